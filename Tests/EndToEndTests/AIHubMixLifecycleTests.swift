import JSON
import Testing

@Suite("AIHubMix lifecycle on the clock")
struct AIHubMixLifecycleTests {
    @Test("a Sora video goes queued, in_progress with rising progress, then completed, and expires 24 h later")
    func soraLifecycle() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let created = try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "drone shot", "seconds": "8", "size": "1280x720"])
        #expect(created.json["status"] == "queued")
        #expect(created.json["progress"] == 0)
        #expect(created.header("openai-poll-after-ms") == "1000")
        let id = try #require(created.json["id"]?.string)
        let createdAt = try #require(created.json["created_at"]?.int)

        try server.advance(seconds: 1)
        let started = try server.get("/v1/videos/\(id)")
        #expect(started.json["status"] == "in_progress")
        #expect(started.json["progress"] == 0)
        #expect(started.json["completed_at"] == .null)

        try server.advance(seconds: 2)
        let halfway = try server.get("/v1/videos/\(id)")
        #expect(halfway.json["status"] == "in_progress")
        #expect(halfway.json["progress"] == 50)
        #expect(halfway.header("openai-poll-after-ms") == "1000")

        let early = try server.get("/v1/videos/\(id)/content")
        #expect(early.status == 400)
        #expect(early.error["code"] == "video_not_ready")

        try server.advance(seconds: 2)
        let done = try server.get("/v1/videos/\(id)")
        #expect(done.json["status"] == "completed")
        #expect(done.json["progress"] == 100)
        #expect(done.json["completed_at"] == .int(createdAt + 5))
        #expect(done.json["expires_at"] == .int(createdAt + 86400))
        #expect(done.header("openai-poll-after-ms") == "0")
        #expect(try server.get("/v1/videos/\(id)/content").status == 200)

        try server.advance(seconds: 86400)
        let expired = try server.get("/v1/videos/\(id)/content")
        #expect(expired.status == 410)
        #expect(expired.error["code"] == "video_expired")
        let after = try server.get("/v1/videos/\(id)")
        #expect(after.json["status"] == "completed")
        #expect(after.json["expires_at"] == .int(createdAt + 86400))
    }

    @Test("non-Sora models report in_progress from the start, never queued")
    func genericHasNoQueued() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let created = try server.post("/v1/videos", json: ["model": "wan2.6-t2v", "prompt": "p"])
        #expect(created.json["status"] == "in_progress")
        #expect(created.json["url"] == .null)
        #expect(created.json["created"] != nil)
        #expect(created.json["created_at"] == nil)
        let id = try #require(created.json["id"]?.string)
        try server.advance(seconds: 5)
        let done = try server.get("/aihubmix/v1/videos/\(id)")
        #expect(done.json["status"] == "completed")
        #expect(done.json["url"] == .string("http://127.0.0.1/aihubmix/v1/videos/\(id)/content"))
    }

    @Test("Kling videos stay downloadable for 30 days, not 24 hours")
    func klingExpiry() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let id = try server.create(["model": "kling-v2-6", "prompt": "cat"])
        try server.advance(seconds: 5 + 86400 * 2)
        #expect(try server.get("/v1/videos/\(id)/content").status == 200)
        try server.advance(seconds: 86400 * 28)
        #expect(try server.get("/v1/videos/\(id)/content").status == 410)
    }

    @Test("--time-scale stretches the lifecycle: at 2 a task is still rendering after the usual 5 s")
    func timeScale() throws {
        let server = try RoutedServer(["--clock", "manual", "--time-scale", "2"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        try server.advance(seconds: 5)
        #expect(try server.get("/v1/videos/\(id)").json["status"] == "in_progress")
        try server.advance(seconds: 5)
        #expect(try server.get("/v1/videos/\(id)").json["status"] == "completed")
    }

    @Test("--time-scale 0 finishes a task on its first read, even on a manual clock")
    func timeScaleZero() throws {
        let server = try RoutedServer(["--clock", "manual", "--time-scale", "0"])
        let created = try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"])
        #expect(created.json["status"] == "queued")
        let id = try #require(created.json["id"]?.string)
        #expect(try server.get("/v1/videos/\(id)").json["status"] == "completed")
    }

    @Test("admin reset forgets every task")
    func reset() throws {
        let server = try RoutedServer()
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let reset = try server.request("POST", "/__admin/reset", key: nil)
        #expect(reset.status == 200)
        #expect(try server.get("/v1/videos/\(id)").status == 404)
        #expect(try server.get("/__admin/health", key: nil).json["status"] == "ok")
    }
}
