import Foundation
import JSON
import Testing
import VideoMockCore

/// One create per listed value of every model: each size token, resolution, mode and aspect
/// ratio, and each duration the catalogs list (the ends of a range), on every provider. The video
/// each task serves (content endpoint, signed link or data URL) must be what its status reports.
/// With `VIDEOMOCK_MEDIA_CHECK=ffmpeg` (`make test-media`), ffprobe and a full ffmpeg decode
/// check every file too.
@Suite("Videos match their tasks")
struct MediaMatrixTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let provider: ProviderID
        let model: String
        let parameters: [String: String]
        var testDescription: String { "\(provider.rawValue) \(model) \(parameters.sorted { $0.key < $1.key })" }
    }

    static let catalogs = try? CatalogSet.load(files: ProviderID.allCases.map { "\(root)/Fixtures/catalog/\($0.rawValue).yaml" })
    /// One server for every case: each makes a task of its own.
    static let server = try? RoutedServer(["--time-scale", "0"])

    static let cases: [Case] = {
        guard let catalogs else { return [] }
        var cases: [Case] = []
        for provider in ProviderID.allCases {
            for model in catalogs[provider].models {
                let variations = ["size", "resolution", "mode", "aspect_ratio", "duration"].flatMap { role in
                    values(of: model, role: role).map { [name(of: model, role: role)!: $0] }
                }
                for variation in variations.isEmpty ? [[:]] : variations {
                    cases.append(Case(provider: provider, model: model.id, parameters: variation))
                }
            }
        }
        return cases
    }()

    /// The listed values of the parameter with `role`; for a numeric range, its ends.
    static func values(of model: ModelSpec, role: String) -> [String] {
        guard let rule = model.parameters.first(where: { $0.role == role && $0.kind != .image && $0.kind != .images }) else { return [] }
        var values = (rule.values ?? []).filter { $0 != "-1" }
        if let range = rule.range { values += [Int(range.lowerBound), Int(range.upperBound)].map(String.init) }
        return values
    }

    static func name(of model: ModelSpec, role: String) -> String? {
        // Sora on AIHubMix takes `seconds` only; elsewhere the first parameter with the role.
        let candidates = model.parameters.filter { $0.role == role }
        return (candidates.first { $0.name == "seconds" } ?? candidates.first)?.name
    }

    /// The create body for a case, in its provider's form.
    static func body(_ item: Case, model: ModelSpec) -> JSON {
        var fields: JSONObject = ["model": .string(item.model)]
        let required = model.parameters.filter { $0.required && $0.name != "prompt" }
        for rule in required where rule.kind == .image { fields[rule.name] = "https://a.test/first.png" }
        if item.provider == .mixroute, item.model.hasPrefix("doubao-") {
            // The Doubao content form: settings as markers in the text.
            let markers = item.parameters.map { "--\($0.key) \($0.value)" }.joined(separator: " ")
            var content: [JSON] = [["type": "text", "text": .string("A lighthouse \(markers)")]]
            if required.contains(where: { $0.role == "first_frame" }) || item.model.contains("i2v") {
                content.append(["type": "image_url", "image_url": ["url": "https://a.test/first.png"], "role": "first_frame"])
            }
            fields["metadata"] = ["content": .array(content)]
            return .object(fields)
        }
        fields["prompt"] = "A lighthouse at dusk"
        for (name, value) in item.parameters { fields[name] = .string(value) }
        return .object(fields)
    }

    static let createPaths: [ProviderID: String] = [
        .aihubmix: "/aihubmix/v1/videos", .mixroute: "/mixroute/v1/video/generations", .amux: "/amux/v1/video/generations",
    ]

    @Test("the video served is the one the status reports", arguments: cases)
    func matches(_ item: Case) throws {
        let server = try #require(Self.server)
        let catalogs = try #require(Self.catalogs)
        let model = try #require(catalogs[item.provider].model(item.model))
        let created = try server.post(Self.createPaths[item.provider]!, json: Self.body(item, model: model))
        #expect(created.status == 200, "\(created.text)")
        let id = try #require(created.json["id"]?.string ?? created.json["task_id"]?.string)
        let task = try server.get("/__admin/tasks/\(id)", key: nil).json
        let (width, height) = (task["width"]?.int ?? 0, task["height"]?.int ?? 0)
        let duration = task["duration"]?.int ?? 0
        let audio = task["has_audio"] == true
        var fps = 24
        let video: [UInt8]
        switch item.provider {
        case .aihubmix:
            let status = try server.get("/aihubmix/v1/videos/\(id)").json
            #expect(status["status"] == "completed")
            if let seconds = status["seconds"]?.string {
                #expect(seconds == String(duration))
            } else {
                #expect(status["duration"] == .int(duration))
                #expect(status["width"] == .int(width))
                #expect(status["height"] == .int(height))
            }
            video = try server.get("/aihubmix/v1/videos/\(id)/content").body
        case .mixroute, .amux:
            let base = item.provider == .mixroute ? "/mixroute/v1/video/generations" : "/amux/v1/video/generations"
            let status = try server.get("\(base)/\(id)").json
            let metadata = status["metadata"]
            #expect(metadata?["width"] == .int(width))
            #expect(metadata?["height"] == .int(height))
            #expect(metadata?["duration"] == .int(duration))
            fps = metadata?["fps"]?.int ?? 0
            let url = try #require(status["url"]?.string)
            if url.hasPrefix("data:video/mp4;base64,") {
                video = Array(try #require(Data(base64Encoded: String(url.dropFirst(22)))))
            } else {
                let link = try #require(URL(string: url))
                // Mixroute's signed links need no key; Amux's content endpoint does.
                video = try server.get(link.path + (link.query.map { "?" + $0 } ?? ""), key: item.provider == .amux ? "sk-test" : nil).body
            }
        }
        let seconds = duration > 0 ? duration : 5
        expectVideo(video, width: width, height: height, seconds: seconds, fps: fps, audio: audio)
        if ProcessInfo.processInfo.environment["VIDEOMOCK_MEDIA_CHECK"] == "ffmpeg" {
            try Self.checkWithFFmpeg(video, width: width, height: height, seconds: seconds, fps: fps, audio: audio)
        }
    }

    /// ffprobe reads what the status says, and ffmpeg decodes every frame without an error.
    static func checkWithFFmpeg(_ video: [UInt8], width: Int, height: Int, seconds: Int, fps: Int, audio: Bool) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("media-\(UUID()).mp4")
        try Data(video).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let probe = try run(
            "ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height,avg_frame_rate,duration", "-of", "json", file.path])
        let streams = try JSON.parse(Array(probe.output.utf8))["streams"]?.array ?? []
        let videoStream = streams.first { $0["codec_name"] == "h264" }
        #expect(videoStream?["width"] == .int(width))
        #expect(videoStream?["height"] == .int(height))
        #expect(videoStream?["avg_frame_rate"] == .string("\(fps)/1"))
        #expect(videoStream?["duration"]?.string.flatMap(Double.init).map { abs($0 - Double(seconds)) <= 1 / Double(fps) } == true)
        let audioStream = streams.first { $0["codec_name"] == "aac" }
        #expect((audioStream != nil) == audio)
        if let audioStream {
            #expect(audioStream["duration"]?.string.flatMap(Double.init).map { abs($0 - Double(seconds)) <= 1 / Double(fps) } == true)
        }
        let decode = try run("ffmpeg", ["-v", "error", "-i", file.path, "-f", "null", "-"])
        #expect(decode.status == 0)
        #expect(decode.output.isEmpty, "ffmpeg: \(decode.output.prefix(300))")
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try runToEnd(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments)
    }
}
