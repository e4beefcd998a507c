import Foundation
import JSON
import Testing

/// Where VideoMock once differed from the providers' documentation, and the rough edges a new
/// user met: each pinned by a test.
@Suite("Documentation audit")
struct DocumentationAuditTests {
    @Test("AIHubMix Seedance takes the FAQ's ratio-format size, as one setting with ratio")
    func seedanceSize() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let model = "doubao-seedance-2-0-260128"
        let id = try server.create(["model": .string(model), "prompt": "x", "size": "9:16"])
        let task = try server.get("/v1/videos/\(id)").json
        #expect(task["width"] == 720)
        #expect(task["height"] == 1280)
        #expect(try server.create(["model": .string(model), "prompt": "x", "size": "adaptive"]).isEmpty == false)
        let refused = try server.post("/v1/videos", json: ["model": .string(model), "prompt": "x", "size": "5:4"])
        #expect(refused.status == 400)
        #expect(refused.error["param"] == "size")
        let conflicting = try server.post("/v1/videos", json: ["model": .string(model), "prompt": "x", "size": "16:9", "ratio": "1:1"])
        #expect(conflicting.status == 400)
        #expect(conflicting.error["message"]?.string?.contains("mean the same thing") == true)
    }

    @Test("a failed Sora task's error carries code, message and the FAQ's type")
    func soraFailureType() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        _ = try server.request("POST", "/__admin/tasks/\(id)/fail", body: Array(#"{"code": "moderation", "message": "no"}"#.utf8), key: nil)
        #expect(
            try server.get("/v1/videos/\(id)").json["error"] == ["message": "no", "type": "video_generation_error", "code": "moderation"])
    }

    @Test("expires_at is created_at + 86400, as the completed Sora example shows")
    func expiryFromCreation() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        try server.advance(seconds: 30)
        let task = try server.get("/v1/videos/\(id)").json
        let created = try #require(task["created_at"]?.int)
        #expect(task["expires_at"] == .int(created + 86400))
        #expect(task["completed_at"] == .int(created + 5))
    }

    @Test(
        "Kling's video_list items are checked: video_url required, refer_type feature or base",
        arguments: [
            (#"[{"video_url": "https://a.test/v.mp4", "refer_type": "bogus"}]"#, "video_list[0].refer_type", "invalid_value"),
            (#"[{"refer_type": "base"}]"#, "video_list[0].video_url", "missing_required_parameter"),
            (#"[1, 2]"#, "video_list[0]", "invalid_type"),
            (#"[{"video_url": "https://a.test/v.mp4", "speed": 2}]"#, "video_list[0].speed", "unknown_parameter"),
        ])
    func klingVideoList(_ list: String, _ param: String, _ code: String) throws {
        let server = try RoutedServer()
        let body = #"{"model": "kling-v3-omni", "prompt": "p", "video_list": "# + list + "}"
        let refused = try server.request("POST", "/v1/videos", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        #expect(refused.status == 400)
        #expect(refused.error["param"] == .string(param))
        #expect(refused.error["code"] == .string(code))
    }

    @Test("a well-formed video_list is accepted, with refer_type defaulting to feature")
    func klingVideoListAccepted() throws {
        let server = try RoutedServer()
        let id = try server.create(["model": "kling-v3-omni", "prompt": "p", "video_list": [["video_url": "https://a.test/v.mp4"]]])
        let task = try server.get("/__admin/tasks/\(id)", key: nil).json
        #expect(task["parameters"]?["video_list"] == [["video_url": "https://a.test/v.mp4", "refer_type": "feature"]])
    }

    @Test("Sora 2 has sound on AIHubMix and none on Mixroute, each as its own documentation says")
    func soraAudio() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let hub = try server.create(["model": "sora-2", "prompt": "p"])
        #expect(try server.get("/__admin/tasks/\(hub)", key: nil).json["has_audio"] == true)
        #expect(try server.get("/v1/videos/\(hub)/content").body.containsSequence(Array("soun".utf8)))
        let mix = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations")
        #expect(try server.get("/__admin/tasks/\(mix)", key: nil).json["has_audio"] == false)
        let video = try server.get("/mixroute/v1/videos/\(mix)/content")
        #expect(video.status == 200)
        #expect(!video.body.containsSequence(Array("soun".utf8)))
    }

    @Test("Veo on Mixroute: submitted as pending, and still pending until it starts")
    func veoWords() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let created = try server.post("/mixroute/v1/video/generations", json: ["model": "veo-3.1-generate-preview", "prompt": "p"])
        #expect(created.json["status"] == "pending")
        let id = try #require(created.json["task_id"]?.string)
        #expect(try server.get("/mixroute/v1/video/generations/\(id)").json["status"] == "pending")
        try server.advance(seconds: 2)
        #expect(try server.get("/mixroute/v1/video/generations/\(id)").json["status"] == "processing")
        let sora = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations")
        #expect(try server.get("/mixroute/v1/video/generations/\(sora)").json["status"] == "submitted")
    }

    @Test("--journal-size 0 keeps no requests, and the server serves as usual")
    func journalOff() throws {
        let server = try RoutedServer(["--journal-size", "0", "--time-scale", "0"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        #expect(try server.get("/v1/videos/\(id)").json["status"] == "completed")
        #expect(try server.get("/__admin/requests/count", key: nil).json == ["count": 0])
    }

    @Test("a scenario's unknown key is reported at the key's column")
    func unknownKeyColumn() throws {
        let server = try RoutedServer()
        let line = "  - { when: { endpoint: create }, respnd: { status: 500 } }"
        let refused = try load("version: 1\nrules:\n\(line)\n", into: server)
        #expect(refused.status == 400)
        #expect(refused.error["line"] == 3)
        let column = line.distance(from: line.startIndex, to: line.range(of: "respnd")!.lowerBound) + 1
        #expect(refused.error["column"] == .int(column))
    }

    @Test("the README's snippets run as written: the SDK is imported, and $ID is set before it is used")
    func readmeSnippets() throws {
        let readme = try String(contentsOfFile: "\(root)/README.md", encoding: .utf8)
        let blocks = readme.components(separatedBy: "```").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
        for block in blocks where block.contains("openai.OpenAI(") {
            #expect(block.contains("import openai"))
        }
        for block in blocks where block.contains("$ID") {
            let firstUse = try #require(block.range(of: "$ID"))
            #expect(block[..<firstUse.lowerBound].contains("ID="), "a block uses $ID before setting it")
        }
    }
}

extension Array where Element == UInt8 {
    func containsSequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<($0 + needle.count)]) == needle }
    }
}
