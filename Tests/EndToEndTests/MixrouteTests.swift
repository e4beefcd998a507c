import Foundation
import JSON
import Testing

@Suite("Mixroute")
struct MixrouteTests {
    /// Every curl example in files 000 and 001 (and the Submit page's forms from 002).
    static let examples = Example.lines("mixroute-documented-requests.jsonl")

    @Test("each documented request is accepted, succeeds, and its result can be fetched", arguments: 0..<examples.count)
    func example(_ index: Int) throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let created = try server.request(
            "POST", "/mixroute/v1/video/generations", headers: [("Content-Type", "application/json")],
            body: Array(Self.examples[index].utf8))
        #expect(created.status == 200, "\(created.text)")
        let id = try #require(created.json["task_id"]?.string)
        #expect(["submitted", "pending"].contains(created.json["status"]?.string ?? ""))
        let task = try server.get("/mixroute/v1/video/generations/\(id)")
        #expect(task.json["status"] == "succeeded")
        #expect(task.json["format"] == "mp4")
        #expect(task.json["error"] == .null)
        let url = try #require(task.json["url"]?.string)
        let video: [UInt8]
        if url.hasPrefix("data:video/mp4;base64,") {
            video = Array(try #require(Data(base64Encoded: String(url.dropFirst(22)))))
        } else {
            let path = try #require(URL(string: url)).path + "?" + (URL(string: url)?.query ?? "")
            let download = try server.get(path, key: nil)
            #expect(download.status == 200)
            #expect(download.header("Content-Type") == "video/mp4")
            video = download.body
        }
        // The video is what the status reports: its duration, size and frame rate.
        let metadata = task.json["metadata"]
        let audio = try server.get("/__admin/tasks/\(id)", key: nil).json["has_audio"] == true
        expectVideo(
            video, width: metadata?["width"]?.int ?? 0, height: metadata?["height"]?.int ?? 0, seconds: metadata?["duration"]?.int ?? 0,
            fps: metadata?["fps"]?.int ?? 0, audio: audio)
    }

    @Test("submit replies: the Veo page's pending with created_at, the generic page's submitted with format")
    func submitReplies() throws {
        let server = try RoutedServer()
        let veo = try server.post(
            "/mixroute/v1/video/generations",
            json: ["model": "veo-3.1-fast-generate-preview", "prompt": "p", "durationSeconds": 6, "aspectRatio": "16:9"])
        #expect(veo.json.object?.keys == ["task_id", "status", "created_at"])
        #expect(veo.json["status"] == "pending")
        #expect(veo.json["task_id"]?.string?.hasPrefix("task_") == true)
        let sora = try server.post("/mixroute/v1/video/generations", json: ["model": "sora-2", "prompt": "p"])
        #expect(sora.json.object?.keys == ["task_id", "status", "format"])
        #expect(sora.json["status"] == "submitted")
        #expect(sora.json["format"] == "mp4")
        #expect(sora.json["task_id"]?.string?.hasPrefix("video_") == true)
    }

    @Test("status goes submitted, processing, succeeded, in the new-api shape with metadata")
    func lifecycle() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let id = try server.create(
            ["model": "wanx-video-v1", "prompt": "dragon", "duration": 10, "size": "720x1280", "seed": 99],
            path: "/mixroute/v1/video/generations")
        let submitted = try server.get("/mixroute/v1/video/generations/\(id)")
        #expect(
            submitted.json == [
                "task_id": .string(id), "status": "submitted", "url": nil, "format": "mp4",
                "metadata": ["duration": 10, "fps": 24, "width": 720, "height": 1280, "seed": 99], "error": nil,
            ])
        try server.advance(seconds: 2)
        #expect(try server.get("/mixroute/v1/video/generations/\(id)").json["status"] == "processing")
        try server.advance(seconds: 3)
        let done = try server.get("/mixroute/v1/video/generations/\(id)")
        #expect(done.json["status"] == "succeeded")
        #expect(done.json["url"]?.string?.contains("/mixroute/files/\(id).mp4?expires=") == true)
    }

    @Test("a signed link works without the API key until it expires, then answers 403 expired; altered links are refused")
    func signedLinkExpiry() throws {
        let server = try RoutedServer(["--clock", "manual", "--api-key", "sk-only"])
        let id = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations", key: "sk-only")
        try server.advance(seconds: 5)
        let url = try #require(try server.get("/mixroute/v1/video/generations/\(id)", key: "sk-only").json["url"]?.string)
        let path = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        let download = try server.get(path, key: nil)
        #expect(download.status == 200)
        expectVideo(download.body, width: 1280, height: 720, seconds: 5, audio: false)
        #expect(try server.request("HEAD", path, key: nil).header("Content-Length") == String(download.body.count))

        // A range past the end is refused as the object store refuses it, not in the API's JSON.
        let beyond = try server.get(path, key: nil, headers: [("Range", "bytes=\(download.body.count)-")])
        #expect(beyond.status == 416)
        #expect(beyond.header("Content-Type") == "application/xml")
        #expect(beyond.header("Content-Range") == "bytes */\(download.body.count)")
        #expect(beyond.text.contains("<Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message>"))

        let tampered = try server.get(path.replacingOccurrences(of: "expires=", with: "expires=9"), key: nil)
        #expect(tampered.status == 403)
        #expect(tampered.text.contains("<Code>SignatureDoesNotMatch</Code>"))

        try server.advance(seconds: 86400)
        let expired = try server.get(path, key: nil)
        #expect(expired.status == 403)
        #expect(expired.header("Content-Type") == "application/xml")
        #expect(expired.text.contains("<Code>AccessDenied</Code><Message>Request has expired</Message>"))
        // The task still reports its (now expired) link.
        #expect(try server.get("/mixroute/v1/video/generations/\(id)", key: "sk-only").json["url"] == .string(url))
    }

    @Test("the Sora 2 download endpoint serves Sora tasks and refuses others")
    func soraDownload() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let sora = try server.create(["model": "sora-2", "prompt": "p", "size": "720x1280"], path: "/mixroute/v1/video/generations")
        _ = try server.get("/mixroute/v1/video/generations/\(sora)")
        let video = try server.get("/mixroute/v1/videos/\(sora)/content")
        #expect(video.status == 200)
        expectVideo(video.body, width: 720, height: 1280, seconds: 5, audio: false)
        let wan = try server.create(["model": "wanx-video-v1", "prompt": "p"], path: "/mixroute/v1/video/generations")
        #expect(try server.get("/mixroute/v1/videos/\(wan)/content").status == 400)
    }

    @Test("Veo gives data URLs of a real MP4, with sound when the model makes it")
    func veoDataURL() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        for (model, audio, expected) in [
            ("veo-3.0-generate-preview", false, false), ("veo-3.0-generate-preview", true, true),
            ("veo-3.0-fast-generate-001", false, true),
        ] {
            let id = try server.create(
                ["model": .string(model), "prompt": "p", "generateAudio": .bool(audio)], path: "/mixroute/v1/video/generations")
            let url = try #require(try server.get("/mixroute/v1/video/generations/\(id)").json["url"]?.string)
            #expect(url.hasPrefix("data:video/mp4;base64,"))
            let video = Array(try #require(Data(base64Encoded: String(url.dropFirst(22)))))
            expectVideo(video, width: 1280, height: 720, seconds: 8, audio: expected)
        }
    }

    struct Limit: CustomTestStringConvertible, Sendable {
        let body: String
        let param: String
        let contains: String
        var testDescription: String { "\(param): \(body.prefix(70))" }
    }

    static let limits: [Limit] = [
        Limit(
            body: #"{"model": "sora-2", "prompt": "p", "duration": 6}"#, param: "duration",
            contains: #""4", "5", "8", "10", "12", "15", "20""#),
        Limit(body: #"{"model": "sora-2", "prompt": "p", "size": "1920x1080"}"#, param: "size", contains: #""720x1280", "1280x720""#),
        Limit(body: #"{"model": "sora-2", "prompt": "p", "resolution": "4k"}"#, param: "resolution", contains: #""480p", "720p", "1080p""#),
        Limit(
            body: #"{"model": "sora-2", "prompt": "p", "remix_video_id": "task_1"}"#, param: "remix_video_id",
            contains: "must start with 'video_'"),
        Limit(
            body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "durationSeconds": 5}"#, param: "durationSeconds",
            contains: #""4", "6", "8""#),
        Limit(
            body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "aspectRatio": "1:1"}"#, param: "aspectRatio",
            contains: #""16:9", "9:16""#),
        Limit(
            body: #"{"model": "veo-3.0-generate-preview", "prompt": "p", "lastFrameImage": "https://a.test/x.png"}"#,
            param: "lastFrameImage", contains: "does not support 'lastFrameImage'"),
        Limit(
            body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "sampleCount": 5}"#, param: "sampleCount",
            contains: "an integer from 1 to 4"),
        Limit(
            body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "resolution": "4k"}"#, param: "resolution",
            contains: #""720p", "1080p""#),
        Limit(
            body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "generateAudio": "yes"}"#, param: "generateAudio",
            contains: "must be true or false"),
        Limit(body: #"{"model": "wanx-video-v1", "prompt": "p", "duration": 4}"#, param: "duration", contains: #""3", "5", "10""#),
        Limit(
            body: #"{"model": "wanx-video-v1", "prompt": "p", "size": "1920x1080"}"#, param: "size",
            contains: #""1280x720", "720x1280", "960x960""#),
        Limit(body: #"{"model": "wan2.5-i2v-preview", "prompt": "p"}"#, param: "image", contains: "Missing required parameter 'image'"),
        Limit(body: #"{"model": "seedance-1.0", "prompt": "p", "duration": 5}"#, param: "duration", contains: #""4", "6", "8""#),
        Limit(
            body: #"{"model": "seedance-1.0", "prompt": "p", "aspect_ratio": "4:3"}"#, param: "aspect_ratio",
            contains: #""16:9", "9:16", "1:1""#),
        Limit(
            body:
                Example.body("mixroute-doubao-seedance-1-0-lite-t2v-250428.json"),
            param: "--ratio in the prompt", contains: "Invalid value for '--ratio in the prompt': 'adaptive'"),
        Limit(
            body:
                Example.body("mixroute-doubao-seedance-1-0-lite-t2v-250428-2.json"),
            param: "metadata.content (role first_frame)", contains: "does not support"),
        Limit(
            body:
                Example.body("mixroute-doubao-seedance-1-0-pro-250528.json"),
            param: "metadata.content (role last_frame)", contains: "does not support"),
        Limit(
            body:
                Example.body("mixroute-doubao-seedance-1-0-lite-i2v-250428.json"),
            param: "reference_image", contains: "Reference image 2 must be referred to in the prompt as [图2]"),
        Limit(
            body:
                Example.body("mixroute-doubao-seedance-1-5-pro-251215.json"),
            param: "--resolution in the prompt", contains: #""480p", "720p""#),
        Limit(
            body: #"{"model": "doubao-seedance-1-5-pro-251215", "metadata": {"content": [{"type": "text", "text": "p --duration 13"}]}}"#,
            param: "--duration in the prompt", contains: "an integer from 4 to 12"),
        Limit(
            body:
                Example.body("mixroute-doubao-seedance-1-5-pro-251215-2.json"),
            param: "metadata.content (role reference_image)", contains: "does not support"),
        Limit(body: #"{"model": "doubao-seedance-1-5-pro-251215"}"#, param: "metadata.content", contains: "Missing 'metadata.content'"),
        Limit(body: #"{"model": "kling-v1", "prompt": "p"}"#, param: "model", contains: "Unknown model 'kling-v1'"),
    ]

    @Test("each documented limit is enforced with a 400 naming the parameter", arguments: limits)
    func limit(_ limit: Limit) throws {
        let server = try RoutedServer()
        let result = try server.request(
            "POST", "/mixroute/v1/video/generations", headers: [("Content-Type", "application/json")], body: Array(limit.body.utf8))
        #expect(result.status == 400)
        #expect(result.error["param"] == .string(limit.param))
        #expect(result.error["message"]?.string?.contains(limit.contains) == true, "\(result.error["message"]?.string ?? "")")
    }
}
