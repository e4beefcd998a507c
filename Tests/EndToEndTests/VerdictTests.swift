import Foundation
import JSON
import Testing

/// A client of one key that does, on purpose, one thing wrong or everything right.
struct ScriptedClient {
    let server: any MockServer
    let key: String
    var base = "/v1/videos"

    func create(_ body: JSON = ["model": "sora-2", "prompt": "a fox"]) throws -> HTTPResult {
        try server.post(base, json: body, key: key)
    }

    func read(_ id: String) throws -> HTTPResult { try server.get("\(base)/\(id)", key: key) }

    func download(_ id: String) throws -> HTTPResult { try server.get("\(base)/\(id)/content", key: key) }

    /// Reads a task until it ends, waiting as each reply advises (or `interval` when none does).
    @discardableResult
    func pollToEnd(_ id: String, interval: Double = 0.02) throws -> JSON {
        while true {
            let reply = try read(id)
            let status = reply.json["status"]?.string ?? ""
            if ["completed", "failed", "succeeded"].contains(status) { return reply.json }
            let advised = reply.header("openai-poll-after-ms").flatMap(Double.init).map { $0 / 1000 }
            Thread.sleep(forTimeInterval: advised ?? interval)
        }
    }

    func verdict() throws -> JSON { try server.get("/__admin/verdict?api_key=\(key)", key: nil).json }

    /// The codes found, as a sorted list.
    func codes() throws -> [String] {
        (try verdict()["findings"]?.array ?? []).compactMap { $0["code"]?.string }.sorted()
    }

    func finding(_ code: String) throws -> JSON? {
        try verdict()["findings"]?.array?.first { $0["code"]?.string == code }
    }
}

@Suite("The verdict on a client")
struct VerdictTests {
    @Test("a client that waits as advised, stops at completed and downloads once passes")
    func wellBehaved() throws {
        let server = try RoutedServer(["--time-scale", "0.05"])
        let client = ScriptedClient(server: server, key: "sk-good")
        let id = try #require(try client.create().json["id"]?.string)
        try client.pollToEnd(id)
        #expect(try client.download(id).status == 200)
        let verdict = try client.verdict()
        #expect(verdict["verdict"] == "pass")
        #expect(verdict["findings"] == [])
        #expect(verdict["counts"] == [:])
        #expect(verdict["tasks"] == 1)
        #expect((verdict["requests"]?.int ?? 0) >= 3)
    }

    @Test("poll_too_fast: a second read sooner than openai-poll-after-ms advised")
    func pollTooFast() throws {
        let server = try RoutedServer(["--time-scale", "0.2"])
        let client = ScriptedClient(server: server, key: "sk-fast")
        let id = try #require(try client.create().json["id"]?.string)
        _ = try client.read(id)
        _ = try client.read(id)
        try client.pollToEnd(id)
        _ = try client.download(id)
        #expect(try client.codes() == ["poll_too_fast"])
        let finding = try #require(try client.finding("poll_too_fast"))
        #expect(finding["severity"] == "warning")
        #expect(finding["task"] == .string(id))
        #expect(finding["evidence"]?.array?.count == 2)
        #expect(finding["evidence"]?.array?.first?["path"] == .string("/v1/videos/\(id)"))
        #expect(try client.verdict()["verdict"] == "warn")
    }

    @Test("retry_after_ignored: a retry before the 429's Retry-After passed")
    func retryAfterIgnored() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let client = ScriptedClient(server: server, key: "sk-eager")
        _ = try load(
            """
            version: 1
            rules:
              - { when: { endpoint: create, nth: 1 }, respond: { status: 429, headers: { Retry-After: "2" } } }
            """, into: server, key: "sk-eager")
        #expect(try client.create().status == 429)
        let id = try #require(try client.create().json["id"]?.string)
        try client.pollToEnd(id)
        _ = try client.download(id)
        #expect(try client.codes() == ["retry_after_ignored"])
        let finding = try #require(try client.finding("retry_after_ignored"))
        #expect(finding["severity"] == "error")
        #expect(finding["evidence"]?.array?.map { $0["status"] } == [429, 200])
        #expect(try client.verdict()["verdict"] == "fail")
    }

    @Test("retried_non_retryable: the same refused request sent again")
    func retriedNonRetryable() throws {
        let server = try RoutedServer()
        let client = ScriptedClient(server: server, key: "sk-stubborn")
        let bad: JSON = ["model": "sora-2", "prompt": "p", "seconds": "7"]
        #expect(try client.create(bad).status == 400)
        #expect(try client.create(bad).status == 400)
        #expect(try client.codes() == ["retried_non_retryable"])
        #expect(try client.finding("retried_non_retryable")?["evidence"]?.array?.map { $0["status"] } == [400, 400])
    }

    @Test("duplicate_create: the same paid job accepted twice, and the journal says so")
    func duplicateCreate() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let client = ScriptedClient(server: server, key: "sk-twice")
        for _ in 0..<2 {
            let id = try #require(try client.create().json["id"]?.string)
            try client.pollToEnd(id)
            _ = try client.download(id)
        }
        #expect(try client.codes() == ["duplicate_create"])
        let creates = try server.get("/__admin/requests?api_key=sk-twice&endpoint=create", key: nil).json["requests"]?.array ?? []
        #expect(creates.map { $0["findings"] } == [["duplicate_create"], ["duplicate_create"]])
        // The first create's evidence, kept compactly for the window, reads as the request did.
        let evidence =
            try server.get("/__admin/verdict?api_key=sk-twice", key: nil).json["findings"]?.array?.first?["evidence"]?.array ?? []
        #expect(evidence.map { $0["journal_id"] } == creates.map { $0["id"] })
        #expect(evidence.map { $0["method"] } == ["POST", "POST"])
        #expect(evidence.map { $0["status"] } == [200, 200])
        #expect(evidence.map { $0["path"] } == creates.map { $0["path"] })
        let times = zip(evidence, creates).map { ($0["time"]?.number ?? 0) - ($1["time"]?.number ?? 1) }
        #expect(times.count == 2 && times.allSatisfy { abs($0) < 0.1 }, "read from the clock a moment apart")
        let reads = try server.get("/__admin/requests?api_key=sk-twice&endpoint=retrieve", key: nil).json["requests"]?.array ?? []
        #expect(reads.allSatisfy { $0["findings"] == [] })
    }

    /// A key whose creates always answer 503.
    func alwaysUnavailable(_ server: some MockServer, key: String) throws {
        _ = try load(
            "version: 1\nrules:\n  - { when: { endpoint: create }, respond: { status: 503 } }\n", into: server, key: key)
    }

    @Test("no_backoff: three retries after 503 whose waits do not grow")
    func noBackoff() throws {
        let server = try RoutedServer()
        let client = ScriptedClient(server: server, key: "sk-hammer")
        try alwaysUnavailable(server, key: "sk-hammer")
        // Waits that shrink a little: a busy machine stretching one of them cannot make it look like a back-off.
        for wait in [0.3, 0.24, 0.18, 0] {
            #expect(try client.create().status == 503)
            Thread.sleep(forTimeInterval: wait)
        }
        #expect(try client.codes() == ["no_backoff"])
        #expect(try client.finding("no_backoff")?["evidence"]?.array?.count == 4)
    }

    @Test("retry_storm: more than --verdict-retry-storm attempts of one failing request")
    func retryStorm() throws {
        let server = try RoutedServer(["--verdict-retry-storm", "5"])
        let client = ScriptedClient(server: server, key: "sk-storm")
        try alwaysUnavailable(server, key: "sk-storm")
        for attempt in 1...6 {
            #expect(try client.create().status == 503)
            // Waits that triple: a busy machine stretching one cannot make them look flat.
            if attempt < 6 { Thread.sleep(forTimeInterval: 0.01 * pow(3, Double(attempt - 1))) }
        }
        #expect(try client.codes() == ["retry_storm"])
        #expect(try client.finding("retry_storm")?["message"]?.string?.contains("6 times") == true)
    }

    @Test("content_before_completed: the video asked for while the task still ran")
    func contentBeforeCompleted() throws {
        let server = try RoutedServer(["--time-scale", "0.05"])
        let client = ScriptedClient(server: server, key: "sk-early")
        let id = try #require(try client.create().json["id"]?.string)
        #expect(try client.download(id).status == 400)
        try client.pollToEnd(id)
        #expect(try client.download(id).status == 200)
        #expect(try client.codes() == ["content_before_completed"])
        #expect(try client.finding("content_before_completed")?["evidence"]?.array?.map { $0["status"] } == [400])
    }

    @Test("polled_after_terminal: reads go on after the client was shown completed")
    func polledAfterTerminal() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let client = ScriptedClient(server: server, key: "sk-lingering")
        let id = try #require(try client.create().json["id"]?.string)
        try client.pollToEnd(id)
        _ = try client.download(id)
        _ = try client.read(id)
        #expect(try client.codes() == [])
        _ = try client.read(id)
        #expect(try client.codes() == ["polled_after_terminal"])
    }

    @Test("unbounded_polling: a task that never finishes polled past the limit")
    func unboundedPolling() throws {
        let server = try RoutedServer([
            "--verdict-unbounded-polls", "5", "--verdict-poll-interval", "0.01", "--verdict-ignore", "abandoned",
        ])
        var client = ScriptedClient(server: server, key: "sk-forever")
        client.base = "/amux/v1/video/generations"
        _ = try load("version: 1\nrules:\n  - { timeline: [{ status: in_progress }] }\n", into: server, key: "sk-forever")
        let id = try #require(try client.create(["model": "kling-v2-master", "prompt": "p"]).json["task_id"]?.string)
        for _ in 0..<6 {
            #expect(try client.read(id).json["status"] == "in_progress")
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(try client.codes() == ["unbounded_polling"])
        #expect(try client.finding("unbounded_polling")?["provider"] == "amux")
    }

    @Test("an obedient client of a long render is not unbounded_polling, however many polls it takes")
    func longRenderIsNotUnbounded() throws {
        let server = try RoutedServer(["--time-scale", "0.01"])
        let client = ScriptedClient(server: server, key: "sk-obedient")
        _ = try load("version: 1\ndefaults: { queued: 0s, rendering: 200s }\n", into: server, key: "sk-obedient")
        let id = try #require(try client.create().json["id"]?.string)
        var polls = 0
        while true {
            let reply = try client.read(id)
            polls += 1
            if reply.json["status"] == "completed" { break }
            let advised = try #require(reply.header("openai-poll-after-ms").flatMap(Double.init))
            Thread.sleep(forTimeInterval: advised / 1000 * 1.1)
        }
        #expect(polls > 101)
        #expect(try client.download(id).status == 200)
        #expect(try client.verdict()["findings"] == [])
    }

    @Test("download_after_expiry: the video asked for after its link expired")
    func downloadAfterExpiry() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let client = ScriptedClient(server: server, key: "sk-late")
        let id = try #require(try client.create().json["id"]?.string)
        _ = try server.post("/__admin/clock/advance?api_key=sk-late", json: ["seconds": 10], key: nil)
        #expect(try client.read(id).json["status"] == "completed")
        #expect(try client.download(id).status == 200)
        _ = try server.post("/__admin/clock/advance?api_key=sk-late", json: ["seconds": 86400], key: nil)
        #expect(try client.download(id).status == 410)
        #expect(try client.codes() == ["download_after_expiry"])
        #expect(try client.finding("download_after_expiry")?["evidence"]?.array?.map { $0["status"] } == [410])
    }

    @Test("never_downloaded: shown completed, never fetched; not judged for data: URL results")
    func neverDownloaded() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let client = ScriptedClient(server: server, key: "sk-forgetful")
        let id = try #require(try client.create().json["id"]?.string)
        try client.pollToEnd(id)
        #expect(try client.codes() == ["never_downloaded"])
        #expect(try client.verdict()["verdict"] == "pass")

        var veo = ScriptedClient(server: server, key: "sk-inline")
        veo.base = "/mixroute/v1/video/generations"
        let task = try #require(try veo.create(["model": "veo-3.1-generate-preview", "prompt": "p"]).json["task_id"]?.string)
        #expect(try veo.pollToEnd(task)["url"]?.string?.hasPrefix("data:video/mp4;base64,") == true)
        #expect(try veo.codes() == [])
    }

    @Test("abandoned: the client stopped reading before the task's end")
    func abandoned() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let client = ScriptedClient(server: server, key: "sk-gone")
        let id = try #require(try client.create().json["id"]?.string)
        #expect(try client.read(id).json["status"] == "queued")
        #expect(try client.codes() == ["abandoned"])
        #expect(try client.finding("abandoned")?["severity"] == "info")
    }

    @Test("scripted failures met as a client should meet them leave the verdict clean")
    func scriptedFailures() throws {
        let server = try RoutedServer(["--time-scale", "0.05"])
        let client = ScriptedClient(server: server, key: "sk-patient")
        _ = try load(
            """
            version: 1
            rules:
              - { when: { endpoint: create, nth: 1 }, respond: { status: 429, headers: { retry-after-ms: "100" } } }
              - { when: { endpoint: create, nth: 2 }, respond: { status: 503 } }
              - { when: { endpoint: retrieve, nth: 1 }, respond: { status: 503 } }
            """, into: server, key: "sk-patient")
        #expect(try client.create().status == 429)
        Thread.sleep(forTimeInterval: 0.15)
        #expect(try client.create().status == 503)
        Thread.sleep(forTimeInterval: 0.1)
        let id = try #require(try client.create().json["id"]?.string)
        #expect(try client.read(id).status == 503)
        Thread.sleep(forTimeInterval: 0.1)
        try client.pollToEnd(id)
        #expect(try client.download(id).status == 200)
        #expect(try client.verdict()["findings"] == [])
        #expect(try client.verdict()["verdict"] == "pass")
    }

    @Test("a scenario's verdict section sets thresholds and leaves codes out; reset forgets")
    func settingsAndReset() throws {
        let server = try RoutedServer()
        let client = ScriptedClient(server: server, key: "sk-config")
        let bad: JSON = ["model": "sora-2", "prompt": "p", "seconds": "7"]
        _ = try load("version: 1\nverdict: { ignore: [retried_non_retryable] }\n", into: server, key: "sk-config")
        _ = try client.create(bad)
        _ = try client.create(bad)
        #expect(try client.codes() == [])
        _ = try server.request("DELETE", "/__admin/scenarios?api_key=sk-config", key: nil)
        _ = try client.create(bad)
        #expect(try client.codes() == ["retried_non_retryable"])
        _ = try server.request("POST", "/__admin/reset?api_key=sk-config", key: nil)
        #expect(try client.verdict()["requests"] == 0)
        #expect(try client.codes() == [])
        let refused = try load("version: 1\nverdict: { ignore: [being_rude] }\n", into: server)
        #expect(refused.status == 400)
        #expect(refused.error["message"]?.string?.contains("unknown finding code 'being_rude'") == true)
    }

    @Test("the verdict of every key together, and of one key alone")
    func scopes() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let a = ScriptedClient(server: server, key: "sk-a"), b = ScriptedClient(server: server, key: "sk-b")
        let bad: JSON = ["model": "sora-2", "prompt": "p", "seconds": "7"]
        _ = try a.create(bad)
        _ = try a.create(bad)
        _ = try b.create()
        #expect(try a.codes() == ["retried_non_retryable"])
        #expect(try b.codes() == ["abandoned"])
        let all = try server.get("/__admin/verdict", key: nil).json
        #expect(all["verdict"] == "fail")
        #expect(all["counts"] == ["abandoned": 1, "retried_non_retryable": 1], "by code, alphabetically")
        #expect(all["tasks"] == 1)
    }
}

@Suite("The verdict from the command line")
struct VerdictCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String) { try runToEnd(ServerProcess.binary, arguments) }

    @Test("videomock verdict prints the findings and exits 1 at or above --fail-on")
    func command() throws {
        let server = try ServerProcess(["--time-scale", "0"])
        let url = "http://127.0.0.1:\(server.port)"
        let client = ScriptedClient(server: server, key: "sk-cli")
        let id = try #require(try client.create().json["id"]?.string)
        try client.pollToEnd(id)
        _ = try client.read(id)
        _ = try client.read(id)

        let warned = try run(["verdict", "--url", url, "--fail-on", "warning"])
        #expect(warned.status == 1)
        #expect(warned.output.hasPrefix("verdict: warn (0 errors, 1 warning, 1 info); 4 requests, 1 tasks"))
        #expect(warned.output.contains("WARNING polled_after_terminal [sk-cli aihubmix \(id)]"))
        #expect(warned.output.contains("INFO never_downloaded"))
        #expect(try run(["verdict", "--url", url]).status == 0)
        let nobody = try run(["verdict", "--url", url, "--api-key", "sk-nobody", "--fail-on", "info"])
        #expect(nobody.status == 2)
        #expect(nobody.output.contains("received no requests for the key sk-nobody; nothing was judged"))
        #expect(try run(["verdict", "--url", url, "--api-key", "sk-nobody", "--allow-empty"]).status == 0)
        let unreachable = try run(["verdict", "--url", "http://127.0.0.1:1"])
        #expect(unreachable.status == 2)
        #expect(unreachable.output.contains("cannot reach http://127.0.0.1:1"))
    }

    @Test("serve --verdict-report writes the verdict when it stops")
    func report() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("verdict-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let server = try ServerProcess(["--verdict-report", file.path])
        let bad: JSON = ["model": "sora-2", "prompt": "p", "seconds": "7"]
        _ = try server.post("/v1/videos", json: bad)
        _ = try server.post("/v1/videos", json: bad)
        kill(server.process.processIdentifier, SIGTERM)
        server.process.waitUntilExit()
        #expect(server.process.terminationStatus == 0)
        let written = try JSON.parse(Array(try Data(contentsOf: file)))
        #expect(written["verdict"] == "fail")
        #expect(written["counts"] == ["retried_non_retryable": 1])
    }
}
