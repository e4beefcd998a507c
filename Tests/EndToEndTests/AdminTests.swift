import Foundation
import JSON
import Testing

@Suite("Admin API")
struct AdminTests {
    @Test("journal entries name the task they were about, the one a create made included, and the advised wait")
    func journalNamesTasks() throws {
        let server = try RoutedServer(["--clock", "manual"])
        for (path, body) in [
            ("/aihubmix/v1/videos", ["model": "sora-2", "prompt": "p"] as JSON),
            ("/mixroute/v1/video/generations", ["model": "sora-2", "prompt": "p"]),
            ("/amux/v1/video/generations", ["model": "kling-v2-master", "prompt": "p"]),
        ] {
            let id = try server.create(body, path: path, key: "sk-j")
            _ = try server.get("\(path)/\(id)", key: "sk-j")
            let entries = try server.get("/__admin/requests?task=\(id)", key: nil).json["requests"]?.array ?? []
            #expect(entries.map { $0["endpoint"] } == ["create", "retrieve"], "\(path)")
            #expect(entries.allSatisfy { $0["task"] == .string(id) })
        }
        let polls = try server.get("/__admin/requests?endpoint=retrieve&provider=aihubmix", key: nil).json["requests"]?.array
        #expect(polls?.first?["poll_after_ms"] == 1000)
    }

    @Test("scenarios load, show and clear over HTTP; a bad one gets 400 with line and column and the old rules stay")
    func scenarios() throws {
        let server = try RoutedServer()
        let loaded = try load("version: 1\nrules:\n  - { name: busy, when: { endpoint: list }, respond: { status: 503 } }\n", into: server)
        #expect(loaded.json["rules"] == 1)
        #expect(try server.get("/v1/videos").status == 503)
        let bad = try load("version: 1\nrules:\n  - when: { endpoint: list }\n    respond: { delay: soon }\n", into: server)
        #expect(bad.status == 400)
        #expect(bad.error["line"] == 4)
        #expect(bad.error["column"] == 23)
        #expect(bad.error["message"]?.string?.contains("expected a duration") == true)
        #expect(try server.get("/v1/videos").status == 503)
        #expect(try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.first?["rules"]?.array?.first?["name"] == "busy")
        #expect(try server.request("DELETE", "/__admin/scenarios", key: nil).status == 200)
        #expect(try server.get("/v1/videos").status == 200)
        // JSON works too.
        let json = try server.request(
            "POST", "/__admin/scenarios",
            body: Array(#"{"version": 1, "rules": [{"when": {"endpoint": "list"}, "respond": {"status": 418}}]}"#.utf8), key: nil)
        #expect(json.status == 200)
        #expect(try server.get("/v1/videos").status == 418)
    }

    @Test("a scenario scoped to one key affects only that key; rules, tasks, journal and reset stay apart")
    func scoping() throws {
        let server = try RoutedServer()
        try load("version: 1\nrules:\n  - { when: { endpoint: create }, respond: { status: 429 } }\n", into: server, key: "sk-worker-1")
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"], key: "sk-worker-1").status == 429)
        let other = try server.create(["model": "sora-2", "prompt": "p"], key: "sk-worker-2")
        #expect(try server.get("/__admin/scenarios?api_key=sk-worker-2", key: nil).json["scenarios"] == [])
        #expect(try server.get("/__admin/requests/count?api_key=sk-worker-1", key: nil).json == ["count": 1])
        #expect(try server.get("/__admin/tasks?api_key=sk-worker-1", key: nil).json["tasks"] == [])
        #expect(try server.get("/__admin/tasks?api_key=sk-worker-2", key: nil).json["tasks"]?.array?.count == 1)

        _ = try server.create(["model": "sora-2", "prompt": "p"], key: "sk-worker-3")
        #expect(try server.request("POST", "/__admin/reset?api_key=sk-worker-3", key: nil).status == 200)
        #expect(try server.get("/__admin/tasks?api_key=sk-worker-3", key: nil).json["tasks"] == [])
        #expect(try server.get("/v1/videos/\(other)", key: "sk-worker-2").status == 200)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"], key: "sk-worker-1").status == 429)
    }

    @Test("the journal records each request and filters by method, path, provider, endpoint, key and time")
    func journal() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let id = try server.create(["model": "sora-2", "prompt": "journal me"], key: "sk-a")
        _ = try server.get("/v1/videos/\(id)", key: "sk-a")
        try server.advance(seconds: 100)
        let since = try #require(try server.get("/__admin/clock", key: nil).json["now"]?.number)
        _ = try server.create(["model": "kling-v1", "prompt": "p"], path: "/amux/v1/video/generations", key: "sk-b")
        _ = try server.get("/nowhere", key: "sk-b")

        let all = try server.get("/__admin/requests", key: nil).json
        #expect(all["count"] == 4)
        let first = try #require(all["requests"]?.array?.first)
        #expect(first["method"] == "POST")
        #expect(first["path"] == "/v1/videos")
        #expect(first["provider"] == "aihubmix")
        #expect(first["endpoint"] == "create")
        #expect(first["api_key"] == "sk-a")
        #expect(first["status"] == 200)
        #expect(first["body"]?.string?.contains("journal me") == true)
        #expect(first["headers"]?["Content-Type"] == "application/json")

        func count(_ query: String) throws -> Int { try server.get("/__admin/requests/count?\(query)", key: nil).json["count"]?.int ?? -1 }
        #expect(try count("method=GET") == 2)
        #expect(try count("path=/v1/videos/*") == 1)
        #expect(try count("provider=amux") == 1)
        #expect(try count("endpoint=create") == 2)
        #expect(try count("api_key=sk-b") == 2)
        #expect(try count("since=\(since)") == 2)
        #expect(try count("provider=aihubmix&endpoint=retrieve") == 1)
        #expect(try server.get("/__admin/requests?since=yesterday", key: nil).status == 400)
        #expect(try server.request("DELETE", "/__admin/requests", key: nil).status == 200)
        #expect(try count("") == 0)
    }

    @Test("the journal is bounded by --journal-size: the oldest entries go first")
    func journalBound() throws {
        let server = try RoutedServer(["--journal-size", "5"])
        for n in 0..<12 { _ = try server.get("/v1/videos?limit=\(n + 1)") }
        let entries = try server.get("/__admin/requests", key: nil).json["requests"]?.array ?? []
        #expect(entries.count == 5)
        #expect(entries.compactMap { $0["query"]?.string } == ["limit=8", "limit=9", "limit=10", "limit=11", "limit=12"])
    }

    @Test("tasks can be listed, read, completed and failed by force")
    func forcing() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let a = try server.create(["model": "sora-2", "prompt": "a"])
        let b = try server.create(["model": "wan2.6-t2v", "prompt": "b"])
        let tasks = try server.get("/__admin/tasks", key: nil).json["tasks"]?.array ?? []
        #expect(tasks.compactMap { $0["id"]?.string } == [a, b])
        #expect(tasks.first?["status"] == "queued")
        #expect(tasks.first?["provider"] == "aihubmix")
        #expect(try server.get("/__admin/tasks/count", key: nil).json == ["count": 2])
        #expect(try server.get("/__admin/tasks/count?api_key=sk-other", key: nil).json == ["count": 0])

        let completed = try server.request("POST", "/__admin/tasks/\(a)/complete", key: nil)
        #expect(completed.json["status"] == "completed")
        #expect(try server.get("/v1/videos/\(a)").json["status"] == "completed")
        #expect(try server.get("/v1/videos/\(a)/content").status == 200)

        let failed = try server.request(
            "POST", "/__admin/tasks/\(b)/fail", body: Array(#"{"code": "upstream_error", "message": "GPU on fire"}"#.utf8), key: nil)
        #expect(failed.json["error"] == ["code": "upstream_error", "message": "GPU on fire"])
        let task = try server.get("/v1/videos/\(b)").json
        #expect(task["status"] == "failed")
        #expect(task["error"]?["message"] == "GPU on fire")
        #expect(try server.get("/__admin/tasks/\(b)", key: nil).json["status"] == "failed")
        #expect(try server.get("/__admin/tasks/nope", key: nil).status == 404)
        #expect(try server.request("POST", "/__admin/tasks/\(b)/fail", body: Array("{".utf8), key: nil).status == 400)
    }

    @Test("the clock reads, advances and sets; reset puts it back and clears tasks, journal and counters, keeping command-line scenarios")
    func clockAndReset() throws {
        let file = try scenarioFile("version: 1\nrules:\n  - { when: { endpoint: list, nth: 2 }, respond: { status: 503 } }\n")
        let server = try RoutedServer(["--clock", "manual", "--scenario", file])
        let start = try #require(try server.get("/__admin/clock", key: nil).json["now"]?.number)
        #expect(try server.get("/__admin/clock", key: nil).json["mode"] == "manual")
        try server.advance(seconds: 90)
        #expect(try server.get("/__admin/clock", key: nil).json["now"]?.number == start + 90)
        let set = try server.request("POST", "/__admin/clock/set", body: Array(#"{"now": 2000000000}"#.utf8), key: nil)
        #expect(set.json["now"]?.number == 2_000_000_000)
        #expect(try server.request("POST", "/__admin/clock/advance", body: Array(#"{"seconds": -5}"#.utf8), key: nil).status == 400)
        #expect(try server.request("POST", "/__admin/clock/advance", body: Array("{}".utf8), key: nil).status == 400)

        #expect(try server.get("/v1/videos").status == 200)
        #expect(try server.get("/v1/videos").status == 503)
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        try load("version: 1\nrules:\n  - { when: { endpoint: create }, respond: { status: 500 } }\n", into: server)

        #expect(try server.request("POST", "/__admin/reset", key: nil).status == 200)
        #expect(try server.get("/__admin/clock", key: nil).json["now"]?.number == start)
        #expect(try server.get("/v1/videos/\(id)").status == 404)
        #expect(try server.get("/__admin/requests/count", key: nil).json == ["count": 1])
        // Counters restart (the second list after reset is the 503 again) and the admin-loaded rule is gone.
        #expect(try server.get("/v1/videos").status == 200)
        #expect(try server.get("/v1/videos").status == 503)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status == 200)
        #expect(try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.count == 1)
    }

    @Test("--admin-token protects /__admin")
    func adminToken() throws {
        let server = try RoutedServer(["--admin-token", "s3cret"])
        let refused = try server.get("/__admin/health", key: nil)
        #expect(refused.status == 401)
        #expect(refused.error["type"] == "admin_error")
        #expect(try server.get("/__admin/health", key: "wrong").status == 401)
        #expect(try server.get("/__admin/health", key: "s3cret").status == 200)
        #expect(try server.get("/__admin/health", key: nil, headers: [("X-Admin-Token", "s3cret")]).status == 200)
        #expect(try server.get("/v1/videos").status == 200)
    }
}

@Suite("Bad scenario files")
struct BadScenarioFileTests {
    @Test(
        "videomock serve exits 2 with FILE:LINE:COLUMN and what is wrong",
        arguments: [
            ("version: 1\nrules:\n  - { when: { endpoint: create }, respnd: { status: 500 } }\n", 3, "unknown key 'respnd'"),
            ("version: 1\ndefaults:\n  queued: quickly\n", 3, "expected a duration"),
            (
                "version: 1\nrules:\n  - when: { prompt_matches: \"[a-\" }\n    respond: { status: 500 }\n", 3,
                "invalid regular expression '[a-'"
            ),
            ("version: 1\nrules:\n  - when: { endpoint: upload }\n    respond: { status: 500 }\n", 3, "unknown endpoint 'upload'"),
            ("version: 2\n", 1, "unsupported version"),
            ("version: 1\nrules:\n  - { when: { nth: 0 }, respond: { status: 500 } }\n", 3, "nth counts from 1"),
            ("version: 1\nrules:\n  - timeline: [ { status: done } ]\n", 3, "unknown status 'done'"),
            (
                "version: 1\nrules:\n  - timeline: [ { status: queued }, { status: completed } ]\n", 3,
                "every state but the last needs seconds or polls"
            ),
            ("version: 1\nrules:\n  - respond: { fault: explode }\n", 3, "unknown fault 'explode'"),
            ("version: 1\nrules:\n  - name: idle\n", 3, "does nothing"),
            ("version: 1\nrules: [\n", 3, "did not find expected node content"),
        ])
    func badFile(_ text: String, _ line: Int, _ message: String) throws {
        let file = try scenarioFile(text)
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["serve", "--port", "0", "--scenario", file]
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(out.fileHandleForReading.readDataToEndOfFile().isEmpty, "nothing starts half-configured")
        #expect(stderr.hasPrefix("videomock: \(file):\(line):"), "\(stderr)")
        #expect(stderr.contains(message), "\(stderr)")
    }
}
