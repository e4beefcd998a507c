import Foundation
import JSON
import Testing

/// Writes a scenario to a temporary file and returns its path.
func scenarioFile(_ text: String) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-\(UUID()).yaml")
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// Loads a scenario over the admin API.
@discardableResult
func load(_ text: String, into server: some MockServer, key: String? = nil) throws -> HTTPResult {
    try server.request("POST", "/__admin/scenarios" + (key.map { "?api_key=\($0)" } ?? ""), body: Array(text.utf8), key: nil)
}

@Suite("Scenario rules")
struct ScenarioRuleTests {
    @Test("provider, endpoint and model (glob) select requests")
    func providerEndpointModel() throws {
        let server = try RoutedServer()
        try load(
            """
            version: 1
            rules:
              - { when: { provider: amux, endpoint: create }, respond: { status: 402 } }
              - { when: { model: "veo-3.?-*", endpoint: create }, respond: { status: 418, body: { teapot: true } } }
            """, into: server)
        #expect(try server.post("/amux/v1/videos", json: AmuxTests.textToVideo).status == 402)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status == 200)
        let veo = try server.post("/v1/videos", json: ["model": "veo-3.1-generate-preview", "prompt": "p"])
        #expect(veo.status == 418)
        #expect(veo.json == ["teapot": true])
        #expect(try server.post("/v1/videos", json: ["model": "veo-2.0-generate-001", "prompt": "p"]).status == 200)
    }

    @Test("prompt_contains and prompt_matches read the create body, and the task's prompt on later requests")
    func prompts() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        try load(
            """
            version: 1
            rules:
              - { when: { prompt_contains: "slow poke" }, respond: { status: 504 } }
              - { when: { prompt_matches: "^cat(s)? [0-9]+$", endpoint: content }, respond: { status: 500, body: "broken" } }
            """, into: server)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "a slow poke"]).status == 504)
        let id = try server.create(["model": "sora-2", "prompt": "cats 12"])
        #expect(try server.get("/v1/videos/\(id)").status == 200)
        let content = try server.get("/v1/videos/\(id)/content")
        #expect(content.status == 500)
        #expect(content.text == "broken")
        #expect(content.header("Content-Type") == "text/plain; charset=utf-8")
    }

    @Test("api_key and header conditions")
    func keyAndHeader() throws {
        let server = try RoutedServer()
        try load(
            """
            version: 1
            rules:
              - { when: { api_key: sk-bad }, respond: { status: 403 } }
              - { when: { header: { X-Test-Case: quota } }, respond: { status: 429, headers: { Retry-After: "7" } } }
            """, into: server)
        #expect(try server.get("/v1/videos", key: "sk-bad").status == 403)
        #expect(try server.get("/v1/videos", key: "sk-good").status == 200)
        let limited = try server.get("/v1/videos", headers: [("x-test-case", "quota")])
        #expect(limited.status == 429)
        #expect(limited.header("Retry-After") == "7")
        #expect(limited.error["code"] == "rate_limit_exceeded")
        #expect(limited.error["type"] == "rate_limit_error")
    }

    @Test("nth and every count exactly, even under concurrent requests")
    func counting() throws {
        let server = try InProcessServer()
        try load(
            """
            version: 1
            rules:
              - { when: { endpoint: create, nth: 7 }, respond: { status: 429 } }
              - { when: { endpoint: list, every: 4 }, respond: { status: 503 } }
            """, into: server)
        let statuses = Locked<[Int]>([])
        let port = server.port
        DispatchQueue.concurrentPerform(iterations: 40) { n in
            let auth = [("Authorization", "Bearer sk-test"), ("Content-Type", "application/json")]
            let result =
                n % 2 == 0
                ? try? HTTPConnection(port: port).send(
                    "POST", "/v1/videos", headers: auth, body: Array(#"{"model":"sora-2","prompt":"p"}"#.utf8))
                : try? HTTPConnection(port: port).send("GET", "/v1/videos?limit=1", headers: auth)
            statuses.mutate { $0.append(result?.status ?? -1) }
        }
        let all = statuses.value
        #expect(all.filter { $0 == 429 }.count == 1)
        #expect(all.filter { $0 == 503 }.count == 5)
        #expect(all.filter { $0 == 200 }.count == 34)
    }

    @Test("the first matching rule wins, but every rule whose conditions hold counts the request")
    func precedence() throws {
        let server = try RoutedServer()
        try load(
            """
            version: 1
            rules:
              - { name: first, when: { prompt_contains: vip }, respond: { status: 201, body: { vip: true } } }
              - { name: second, when: { endpoint: create, nth: 2 }, respond: { status: 429 } }
            """, into: server)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "vip"]).status == 201)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "plain"]).status == 429)
        let rules = try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.first?["rules"]
        #expect(rules == [["name": "first", "matched": 1, "applied": 1], ["name": "second", "matched": 2, "applied": 1]])
    }
}

@Suite("Scenario timelines and outcomes")
struct ScenarioTimelineTests {
    @Test("states held for seconds, with scripted progress")
    func seconds() throws {
        let server = try RoutedServer(["--clock", "manual"])
        try load(
            """
            version: 1
            rules:
              - timeline:
                  - { status: queued, seconds: 10 }
                  - { status: in_progress, seconds: 1m, progress: 12 }
                  - { status: completed }
            """, into: server)
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        try server.advance(seconds: 9)
        #expect(try server.get("/v1/videos/\(id)").json["status"] == "queued")
        try server.advance(seconds: 1)
        let rendering = try server.get("/v1/videos/\(id)")
        #expect(rendering.json["status"] == "in_progress")
        #expect(rendering.json["progress"] == 12)
        try server.advance(seconds: 60)
        #expect(try server.get("/v1/videos/\(id)").json["status"] == "completed")
    }

    @Test("states held for a number of polls, whatever the time")
    func polls() throws {
        let server = try RoutedServer(["--clock", "manual", "--scenario", "\(root)/scenarios/poll-driven-completion.yaml"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let seen = try (0..<5).map { _ in try server.get("/v1/videos/\(id)").json }
        #expect(seen.map { $0["status"]?.string ?? "" } == ["queued", "in_progress", "in_progress", "in_progress", "completed"])
        #expect(seen.map { $0["progress"]?.int ?? -1 } == [0, 0, 33, 66, 100])
        // Content reads are not polls.
        let other = try server.create(["model": "sora-2", "prompt": "p"])
        for _ in 0..<5 { _ = try server.get("/v1/videos/\(other)/content") }
        #expect(try server.get("/v1/videos/\(other)").json["status"] == "queued")
    }

    @Test("a job that never finishes stays in progress")
    func neverFinishes() throws {
        let server = try RoutedServer(["--clock", "manual", "--scenario", "\(root)/scenarios/never-finishes.yaml"])
        let id = try server.create(["model": "wan2.6-t2v", "prompt": "p"])
        try server.advance(seconds: 86400 * 7)
        let task = try server.get("/v1/videos/\(id)")
        #expect(task.json["status"] == "in_progress")
        #expect(task.header("openai-poll-after-ms") == "1000")
    }

    @Test("Amux reports a scripted unknown status; the others their nearest word")
    func unknownStatus() throws {
        let server = try RoutedServer()
        try load("version: 1\nrules:\n  - timeline: [ { status: unknown } ]\n", into: server)
        let amux = try server.create(AmuxTests.textToVideo, path: "/amux/v1/video/generations")
        #expect(try server.get("/amux/v1/video/generations/\(amux)").json["status"] == "unknown")
        let mix = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations")
        #expect(try server.get("/mixroute/v1/video/generations/\(mix)").json["status"] == "processing")
        let hub = try server.create(["model": "sora-2", "prompt": "p"])
        #expect(try server.get("/v1/videos/\(hub)").json["status"] == "in_progress")
    }

    @Test("a failing outcome is rendered in each provider's own shape")
    func failureShapes() throws {
        let server = try RoutedServer(["--time-scale", "0", "--scenario", "\(root)/scenarios/content-policy-failure.yaml"])
        let message = "Video generation failed due to content policy violation"
        let sora = try server.create(["model": "sora-2", "prompt": "something FORBIDDEN"])
        let soraTask = try server.get("/v1/videos/\(sora)").json
        #expect(soraTask["status"] == "failed")
        #expect(soraTask["error"] == ["message": .string(message), "type": "video_generation_error", "code": "content_policy_violation"])
        let wan = try server.create(["model": "wan2.6-t2v", "prompt": "forbidden"])
        #expect(
            try server.get("/v1/videos/\(wan)").json["error"] == [
                "message": .string(message), "type": "video_generation_error", "code": "content_policy_violation",
            ])
        let content = try server.get("/v1/videos/\(wan)/content")
        #expect(content.status == 400)
        #expect(content.error["code"] == "video_failed")
        let mix = try server.create(["model": "sora-2", "prompt": "forbidden"], path: "/mixroute/v1/video/generations")
        let mixTask = try server.get("/mixroute/v1/video/generations/\(mix)").json
        #expect(mixTask["status"] == "failed")
        #expect(mixTask["url"] == .null)
        #expect(mixTask["error"] == ["code": "content_policy_violation", "message": .string(message)])
        let amux = try server.create(["model": "kling-v2-master", "prompt": "nsfw"], path: "/amux/v1/videos")
        #expect(try server.get("/amux/v1/videos/\(amux)").json["status"] == "failed")
        #expect(try server.get("/v1/videos/\(try server.create(["model": "sora-2", "prompt": "fine"]))").json["status"] == "completed")
    }

    @Test("result options: a short expiry, and Mixroute's data or link")
    func resultOptions() throws {
        let server = try RoutedServer(["--clock", "manual", "--time-scale", "0"])
        try load(
            """
            version: 1
            rules:
              - { when: { model: "veo-*" }, result: { url: link } }
              - { when: { model: sora-2 }, result: { url: data, expires_after: 30s } }
            """, into: server)
        let veo = try server.create(["model": "veo-3.1-generate-preview", "prompt": "p"], path: "/mixroute/v1/video/generations")
        #expect(try server.get("/mixroute/v1/video/generations/\(veo)").json["url"]?.string?.contains("/mixroute/files/") == true)
        let sora = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations")
        #expect(try server.get("/mixroute/v1/video/generations/\(sora)").json["url"]?.string?.hasPrefix("data:video/mp4;base64,") == true)
        let hub = try server.create(["model": "sora-2", "prompt": "p"])
        #expect(try server.get("/v1/videos/\(hub)/content").status == 200)
        try server.advance(seconds: 30)
        #expect(try server.get("/v1/videos/\(hub)/content").status == 410)
    }

    @Test("scenario defaults set the lifecycle and expiry of every task")
    func defaults() throws {
        let server = try RoutedServer(["--clock", "manual", "--scenario", "\(root)/scenarios/expired-download-link.yaml"])
        let id = try server.create(["model": "kling-v2-6", "prompt": "p"])
        try server.advance(seconds: 1)
        #expect(try server.get("/v1/videos/\(id)/content").status == 200)
        try server.advance(seconds: 10)
        #expect(try server.get("/v1/videos/\(id)/content").status == 410)
    }
}

let root: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path
}()

/// A value shared between threads in a test.
final class Locked<Value>: @unchecked Sendable {
    // @unchecked: every access to `stored` goes through `lock`.
    private var stored: Value
    private let lock = NSLock()
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
