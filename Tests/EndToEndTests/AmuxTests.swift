import JSON
import Testing

@Suite("Amux")
struct AmuxTests {
    static let textToVideo: JSON = [
        "model": "doubao-seedance-2.0",
        "prompt": "A cute baby sea otter wearing a beret, rolling in a spring courtyard with falling cherry blossoms",
        "duration": 5, "width": 1280, "height": 720, "fps": 24, "metadata": ["aspect_ratio": "16:9"],
    ]
    static let imageToVideo: JSON = [
        "model": "kling-v2-master", "image": "https://example.com/source.jpg",
        "prompt": "Camera slowly zooms in as the subject begins to walk forward", "duration": 5,
        "metadata": ["negative_prompt": "blurry, low quality", "cfg_scale": 0.7, "mode": "std", "aspect_ratio": "16:9"],
    ]

    @Test(
        "both documented examples, on both paths, queue, complete and download",
        arguments: [
            (textToVideo, "/amux/v1/video/generations"), (imageToVideo, "/amux/v1/video/generations"),
            (textToVideo, "/amux/v1/videos"), (imageToVideo, "/amux/v1/videos"),
        ])
    func examples(_ body: JSON, _ path: String) throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let created = try server.post(path, json: body)
        #expect(created.status == 200)
        let id = try #require(created.json["task_id"]?.string)
        #expect(created.json == ["task_id": .string(id), "status": "queued"])
        #expect(id.count == 12)
        for statusPath in ["/amux/v1/video/generations/\(id)", "/amux/v1/videos/\(id)"] {
            let task = try server.get(statusPath)
            #expect(task.json["status"] == "completed")
            #expect(task.json["progress"] == 100)
            #expect(task.json["url"] == .string("http://127.0.0.1/amux/v1/video/generations/\(id)/content"))
            #expect(task.json["metadata"]?["width"] == 1280)
            #expect(task.json["metadata"]?["height"] == 720)
        }
        for contentPath in ["/amux/v1/video/generations/\(id)/content", "/amux/v1/videos/\(id)/content"] {
            let video = try server.get(contentPath)
            #expect(video.status == 200)
            #expect(Array(video.body[4..<8]) == Array("ftyp".utf8))
        }
    }

    @Test("status goes queued, in_progress with progress, completed")
    func lifecycle() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let id = try server.create(Self.textToVideo, path: "/amux/v1/video/generations")
        let queued = try server.get("/amux/v1/video/generations/\(id)")
        #expect(queued.json["status"] == "queued")
        #expect(queued.json["progress"] == 0)
        #expect(queued.json["url"] == .null)
        try server.advance(seconds: 3)
        let running = try server.get("/amux/v1/video/generations/\(id)")
        #expect(running.json["status"] == "in_progress")
        #expect(running.json["progress"] == 50)
        #expect(try server.get("/amux/v1/video/generations/\(id)/content").error["code"] == "task_not_ready")
        try server.advance(seconds: 2)
        #expect(try server.get("/amux/v1/videos/\(id)").json["status"] == "completed")
    }

    @Test(
        "errors use the documented envelope and statuses",
        arguments: [
            (#"{"prompt": "p"}"#, 400, "model", "missing_required_parameter"),
            (#"{"model": "gpt-4o", "prompt": "p"}"#, 400, "model", "invalid_value"),
            (#"{"model": "doubao-seedance-2.0"}"#, 400, "prompt", "missing_required_parameter"),
            (#"{"model": "doubao-seedance-2.0", "prompt": "p", "duration": 20}"#, 400, "duration", "invalid_value"),
            (
                #"{"model": "doubao-seedance-2.0", "prompt": "p", "metadata": {"aspect_ratio": "5:4"}}"#, 400, "metadata.aspect_ratio",
                "invalid_value"
            ),
            (#"{"model": "kling-v2-master", "prompt": "p", "metadata": {"cfg_scale": 2}}"#, 400, "metadata.cfg_scale", "invalid_value"),
            (
                #"{"model": "kling-v2-master", "prompt": "p", "metadata": {"prompt_extend": true}}"#, 400, "metadata.prompt_extend",
                "unsupported_parameter"
            ),
            (#"{"model": "wan2.5-t2v-preview", "prompt": "p", "metadata": "x"}"#, 400, "metadata", "invalid_type"),
            (#"{"model": "jimeng-3.0-pro", "prompt": "p", "width": 10000}"#, 400, "width", "invalid_value"),
        ])
    func errors(_ body: String, _ status: Int, _ param: String, _ code: String) throws {
        let server = try RoutedServer()
        let result = try server.request(
            "POST", "/amux/v1/video/generations", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        #expect(result.status == status)
        #expect(result.error.object?.keys == ["message", "type", "param", "code"])
        #expect(result.error["type"] == "invalid_request_error")
        #expect(result.error["param"] == .string(param))
        #expect(result.error["code"] == .string(code))
    }

    @Test("a missing or refused key gets 401 in the same envelope")
    func unauthorized() throws {
        let server = try RoutedServer(["--api-key", "sk-amux"])
        let result = try server.post("/amux/v1/video/generations", json: Self.textToVideo, key: "sk-other")
        #expect(result.status == 401)
        #expect(result.error.object?.keys == ["message", "type", "param", "code"])
        #expect(try server.post("/amux/v1/video/generations", json: Self.textToVideo, key: nil).status == 401)
    }
}

@Suite("Bare /v1 paths")
struct BarePathTests {
    @Test("--provider picks who serves /v1; the others' bare paths answer 404 naming their prefix")
    func provider() throws {
        let aihubmix = try RoutedServer()
        let pointer = try aihubmix.post("/v1/video/generations", json: AmuxTests.textToVideo)
        #expect(pointer.status == 404)
        #expect(
            pointer.error["message"]?.string?.contains("Use /mixroute/v1/video/generations (mixroute) or /amux/v1/video/generations (amux)")
                == true)
        #expect(try aihubmix.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).json["object"] == "video")

        let mixroute = try RoutedServer(["--provider", "mixroute"])
        let created = try mixroute.post("/v1/video/generations", json: ["model": "sora-2", "prompt": "p"])
        #expect(created.json["status"] == "submitted")
        let id = try #require(created.json["task_id"]?.string)
        #expect(try mixroute.get("/mixroute/v1/video/generations/\(id)").status == 200)
        #expect(
            try mixroute.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).error["message"]?.string?.contains(
                "/aihubmix/v1/videos (aihubmix)") == true)

        let amux = try RoutedServer(["--provider", "amux"])
        #expect(try amux.post("/v1/videos", json: AmuxTests.textToVideo).json["status"] == "queued")
    }

    @Test("tasks are kept apart by provider: an AIHubMix id is not a Mixroute task")
    func providersApart() throws {
        let server = try RoutedServer()
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        #expect(try server.get("/mixroute/v1/video/generations/\(id)").status == 404)
        #expect(try server.get("/amux/v1/videos/\(id)").status == 404)
    }
}
