import Foundation
import Testing
import VideoMockTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends `method path` with a JSON body to the server, as a user's URLSession code would.
func send(_ method: String, _ url: URL, json: String? = nil, key: String = "sk-test") async throws -> (Int, [String: Any]) {
    var request = URLRequest(url: url)
    request.httpMethod = method
    request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
    if let json {
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(json.utf8)
    }
    let (data, response) = try await URLSession.shared.data(for: request)
    let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
    return ((response as! HTTPURLResponse).statusCode, object)
}

@Suite("VideoMockTesting")
struct VideoMockTestingTests {
    @Test("withVideoMock serves a whole create, poll, download loop and stops afterwards")
    func scoped() async throws {
        let url = try await withVideoMock({ $0.clock = .manual }) { mock in
            let videos = mock.baseURL(.aihubmix).appendingPathComponent("videos")
            let (status, created) = try await send("POST", videos, json: #"{"model": "sora-2", "prompt": "a fox", "seconds": "8"}"#)
            #expect(status == 200)
            let id = try #require(created["id"] as? String)
            try await mock.admin.advance(by: 10)
            let (_, polled) = try await send("GET", videos.appendingPathComponent(id))
            #expect(polled["status"] as? String == "completed")
            let (data, response) = try await URLSession.shared.data(
                for: {
                    var request = URLRequest(url: videos.appendingPathComponent(id).appendingPathComponent("content"))
                    request.setValue("Bearer sk-test", forHTTPHeaderField: "Authorization")
                    return request
                }())
            #expect((response as! HTTPURLResponse).statusCode == 200)
            #expect(data[4..<8] == Data("ftyp".utf8))
            #expect(try await mock.admin.count(RequestFilter(endpoint: "create")) == 1)
            return mock.url
        }
        await #expect(throws: (any Error).self) { _ = try await URLSession.shared.data(from: url.appendingPathComponent("__admin/health")) }
    }

    @Test("the admin client covers scenarios, journal, tasks and per-key clocks")
    func admin() async throws {
        let mock = try VideoMockTestServer { $0.clock = .manual }
        defer { mock.stop() }
        let health = try await mock.admin.health()
        #expect(health.status == "ok")
        #expect(health.version == VideoMockServer.version)

        let worker = mock.admin.scoped(to: "sk-worker")
        let rules = try await worker.loadScenario(
            """
            version: 1
            rules:
              - when: { prompt_contains: forbidden }
                outcome: { fail: { code: content_policy_violation, message: blocked } }
            """)
        #expect(rules == 1)
        await #expect {
            try await worker.loadScenario("version: 1\nrules:\n  - respond: { fault: explode }\n")
        } throws: { error in
            let error = try #require(error as? AdminError)
            return error.status == 400 && error.line == 3 && error.message.contains("unknown fault 'explode'")
        }

        let videos = mock.baseURL(.aihubmix).appendingPathComponent("videos")
        let (_, blocked) = try await send("POST", videos, json: #"{"model": "sora-2", "prompt": "forbidden"}"#, key: "sk-worker")
        let (_, other) = try await send("POST", videos, json: #"{"model": "sora-2", "prompt": "forbidden"}"#, key: "sk-other")
        let blockedID = try #require(blocked["id"] as? String), otherID = try #require(other["id"] as? String)

        try await worker.advance(by: 10)
        #expect(try await worker.task(blockedID).status == "failed")
        let blockedTask = try await worker.task(blockedID)
        #expect(blockedTask.error == TaskInfo.Failure(code: "content_policy_violation", message: "blocked"))
        #expect(blockedTask.states.map(\.status) == ["queued", "in_progress", "failed"])
        #expect(blockedTask.states.last?.to == nil)
        #expect(blockedTask.parameters["seconds"] == 4, "the create's parameters, as the catalog read them")
        #expect(try await mock.admin.task(otherID).status == "queued")
        #expect(try await worker.tasks().map(\.id) == [blockedID])
        #expect(try await worker.clock().offset == 10)

        let forced = try await mock.admin.complete(otherID)
        #expect(forced.status == "completed")
        let failed = try await mock.admin.fail(otherID, code: "upstream_error", message: "GPU on fire")
        #expect(failed.error == TaskInfo.Failure(code: "upstream_error", message: "GPU on fire"))

        let sent = try await worker.requests(RequestFilter(endpoint: "create"))
        #expect(sent.count == 1)
        #expect(sent.first?.body.contains("forbidden") == true)
        #expect(sent.first?.apiKey == "sk-worker")
        #expect(sent.first?.headers["Content-Type"] == "application/json")
        #expect(sent.first?.bodyEncoding == "utf-8")

        #expect(try await worker.scenarios().first?.rules.first?.applied == 1)
        let verdict = try await worker.verdict()
        #expect(verdict.verdict == "pass")
        #expect(verdict.requests == 1)
        // Without --record and --replay, both say so and nothing else.
        #expect(try await mock.admin.recording().active == false)
        #expect(try await mock.admin.replay().active == false)

        try await worker.reset()
        #expect(try await worker.tasks().isEmpty)
        #expect(try await worker.clock().offset == 0)
        #expect(try await mock.admin.tasks().count == 1)
    }

    @Test("an admin client reaches a server at a URL, and refuses with the admin API's message")
    func atURL() async throws {
        let mock = try VideoMockTestServer { $0.adminToken = "secret" }
        defer { mock.stop() }
        let client = AdminClient(url: mock.url)
        await #expect {
            _ = try await client.clock()
        } throws: { error in
            (error as? AdminError)?.status == 401
        }
        let authorized = AdminClient(url: mock.url, token: "secret")
        #expect(try await authorized.clock().mode == "wall")
    }
}

@Suite("The admin answers as the client reads them")
struct AdminAnswerTests {
    @Test("a recording's and a replay's summaries read field by field, snake_case on the wire")
    func summaries() throws {
        let recording = try JSONDecoder().decode(
            RecordingSummary.self,
            from: Data(
                #"{"file":"/tmp/r.jsonl","exchanges":7,"bytes":4096,"by_provider":{"aihubmix":5,"amux":2},"tasks":2,"error":null}"#.utf8))
        #expect(recording.active && recording.file == "/tmp/r.jsonl" && recording.exchanges == 7 && recording.bytes == 4096)
        #expect(recording.byProvider == ["aihubmix": 5, "amux": 2] && recording.tasks == 2 && recording.error == nil)
        let replay = try JSONDecoder().decode(
            ReplaySummary.self,
            from: Data(
                (#"{"file":"r.jsonl","by":"polls","recorded_creates":3,"lifecycles":2,"matched":1,"refused_as_recorded":1,"missed":1,"#
                    + #""misses":[{"provider":"aihubmix","endpoint":"create","model":null}],"#
                    + #""tasks":[{"id":"video_1","recorded_id":"video_r","reads":2,"recorded_reads":4,"#
                    + #""notes":["fps 23.976 → 24"]}]}"#).utf8
            ))
        #expect(replay.active && replay.by == "polls" && replay.recordedCreates == 3 && replay.refusedAsRecorded == 1)
        #expect(replay.misses == [ReplaySummary.Miss(provider: "aihubmix", endpoint: "create", model: nil)])
        #expect(
            replay.tasks == [
                ReplaySummary.Task(id: "video_1", recordedId: "video_r", reads: 2, recordedReads: 4, notes: ["fps 23.976 → 24"])
            ])
        let off = try JSONDecoder().decode(ReplaySummary.self, from: Data(#"{"active":false}"#.utf8))
        #expect(!off.active && off.tasks.isEmpty)
    }
}
