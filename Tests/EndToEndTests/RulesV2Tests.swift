import Foundation
import Glibc
import JSON
import Synchronization
import Testing

/// Creates on each provider's create path, with a body it accepts.
let providerCreates: [(provider: String, path: String, body: JSON)] = [
    ("aihubmix", "/aihubmix/v1/videos", ["model": "sora-2", "prompt": "p"]),
    ("mixroute", "/mixroute/v1/video/generations", ["model": "sora-2", "prompt": "p"]),
    ("amux", "/amux/v1/video/generations", ["model": "kling-v2-master", "prompt": "p"]),
]

/// Sends `count` creates from `threads` threads at once; returns their statuses.
func concurrentCreates(_ server: some ListeningServer, path: String, body: JSON, count: Int, threads: Int = 8) -> [Int] {
    let statuses = Mutex<[Int]>([])
    let port = server.port, bytes = body.bytes
    DispatchQueue.concurrentPerform(iterations: threads) { thread in
        guard let connection = try? HTTPConnection(port: port) else { return }
        for _ in stride(from: thread, to: count, by: threads) {
            let headers = [("Authorization", "Bearer sk-test"), ("Content-Type", "application/json")]
            let status = (try? connection.send("POST", path, headers: headers, body: bytes).status) ?? 0
            statuses.withLock { $0.append(status) }
        }
    }
    return statuses.withLock { $0 }
}

@Suite("Scenario rules v2")
struct RulesV2Tests {
    @Test("times and after count exactly under concurrent requests, on every provider", arguments: 0..<3)
    func timesAndAfter(_ index: Int) throws {
        let (_, path, body) = providerCreates[index]
        let server = try InProcessServer()
        _ = try load(
            """
            version: 1
            rules:
              - { name: first five, when: { endpoint: create, times: 5 }, respond: { status: 503 } }
              - { name: after thirty, when: { endpoint: create, after: 30 }, respond: { status: 429 } }
            """, into: server)
        let statuses = concurrentCreates(server, path: path, body: body, count: 40)
        #expect(statuses.count == 40)
        #expect(statuses.filter { $0 == 503 }.count == 5)
        #expect(statuses.filter { $0 == 429 }.count == 10)
        #expect(statuses.filter { $0 == 200 }.count == 25)
        let rules = try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.first?["rules"]?.array ?? []
        #expect(rules.map { $0["applied"] } == [5, 10])
        #expect(rules.map { $0["matched"] } == [40, 40])
    }

    @Test("after and every combine as written: skip two, then every third")
    func afterWithEvery() throws {
        let server = try RoutedServer()
        _ = try load("version: 1\nrules:\n  - { when: { endpoint: create, after: 2, every: 3 }, respond: { status: 503 } }\n", into: server)
        let statuses = try (1...11).map { _ in try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status }
        #expect(statuses == [200, 200, 200, 200, 503, 200, 200, 503, 200, 200, 503])
    }

    /// The statuses of `count` sequential creates under a `chance` rule seeded as given.
    func draws(seed: String, inFile: Bool, count: Int = 60) throws -> [Int] {
        let server = try RoutedServer(inFile ? [] : ["--seed", seed])
        let header = inFile ? "version: 1\nseed: \(seed)\n" : "version: 1\n"
        _ = try load(header + "rules:\n  - { when: { endpoint: create, chance: 0.3 }, respond: { status: 503 } }\n", into: server)
        let statuses = try (0..<count).map { _ in try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status }
        let rule = try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.first?["rules"]?.array?.first
        #expect(rule?["draws"] == .int(count))
        #expect(rule?["hits"] == .int(statuses.filter { $0 == 503 }.count))
        return statuses
    }

    @Test("chance: the same seed and order give the same decisions, another seed others")
    func seededChance() throws {
        for inFile in [false, true] {
            let first = try draws(seed: "42", inFile: inFile), again = try draws(seed: "42", inFile: inFile)
            let other = try draws(seed: "43", inFile: inFile)
            #expect(first == again)
            #expect(first != other)
            let hits = first.filter { $0 == 503 }.count
            #expect((8...30).contains(hits), "about 30% of 60, got \(hits)")
        }
    }

    @Test("times with chance: the first N requests that win the draw")
    func timesWithChance() throws {
        let server = try RoutedServer(["--seed", "7"])
        _ = try load(
            "version: 1\nrules:\n  - { when: { endpoint: create, chance: 0.5, times: 3 }, respond: { status: 503 } }\n", into: server)
        let statuses = try (0..<40).map { _ in try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status }
        #expect(statuses.filter { $0 == 503 }.count == 3)
    }

    @Test("body matches JSON and multipart creates on nested fields; query matches parameters")
    func bodyAndQuery() throws {
        let server = try RoutedServer()
        let loaded = try load(
            """
            version: 1
            rules:
              - name: eight seconds
                when: { endpoint: create, body: { seconds: "8", size: "1280x*" } }
                respond: { status: 400, body: { error: { message: "eight" } } }
              - name: doubao images
                when:
                  body:
                    metadata.content[1].type: image_url
                    metadata.content[0].text: "*--ratio 1:1*"
                respond: { status: 402 }
              - name: no size
                when: { endpoint: create, provider: amux, body: { size: { present: false }, metadata.aspect_ratio: "16:9" } }
                respond: { status: 409 }
              - name: thumbnails
                when: { endpoint: content, query: { variant: thumbnail } }
                respond: { status: 503 }
            """, into: server)
        #expect(loaded.status == 200, "\(loaded.text)")
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p", "seconds": "8", "size": "1280x720"]).status == 400)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p", "seconds": 8, "size": "1280x720"]).status == 400)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p", "seconds": "4", "size": "1280x720"]).status == 200)
        let fields = [("model", "sora-2"), ("prompt", "p"), ("seconds", "8"), ("size", "1280x720")]
        let form = multipartBody(boundary: "rules-v2", fields: fields, files: [])
        let multipart = try server.request(
            "POST", "/v1/videos", headers: [("Content-Type", "multipart/form-data; boundary=rules-v2")], body: form)
        #expect(multipart.status == 400)
        #expect(multipart.error["message"] == "eight")

        let doubao: JSON = [
            "model": "doubao-seedance-1-0-lite-i2v-250428",
            "metadata": [
                "content": [
                    ["type": "text", "text": "A cat --ratio 1:1"],
                    ["type": "image_url", "image_url": ["url": "https://a.test/1.png"], "role": "first_frame"],
                ]
            ],
        ]
        #expect(try server.post("/mixroute/v1/video/generations", json: doubao).status == 402)
        let amux: JSON = ["model": "kling-v2-master", "prompt": "p", "metadata": ["aspect_ratio": "16:9"]]
        #expect(try server.post("/amux/v1/video/generations", json: amux).status == 409)
        var sized = amux
        sized = ["model": "kling-v2-master", "prompt": "p", "size": "1280x720", "metadata": ["aspect_ratio": "16:9"]]
        #expect(try server.post("/amux/v1/video/generations", json: sized).status != 409)

        let id = try server.create(["model": "sora-2", "prompt": "p"])
        #expect(try server.get("/v1/videos/\(id)/content?variant=thumbnail").status == 503)
        #expect(try server.get("/v1/videos/\(id)/content").status == 400)
    }

    @Test("a quota answers 429 with Retry-After and retry-after-ms, per key, until the window passes", arguments: 0..<3)
    func quota(_ index: Int) throws {
        let (_, path, body) = providerCreates[index]
        let server = try RoutedServer(["--clock", "manual"])
        _ = try load(
            "version: 1\nrules:\n  - { name: three a minute, when: { endpoint: create }, quota: { requests: 3, per: 1m } }\n", into: server)
        for _ in 0..<3 { #expect(try server.post(path, json: body).status == 200) }
        try server.advance(seconds: 20)
        let refused = try server.post(path, json: body)
        #expect(refused.status == 429)
        #expect(refused.header("Retry-After") == "40")
        #expect(refused.header("retry-after-ms") == "40000")
        #expect(refused.error["type"] != nil)
        #expect(try server.post(path, json: body, key: "sk-other").status == 200)
        try server.advance(seconds: 40)
        #expect(try server.post(path, json: body).status == 200)
        let rule = try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.first?["rules"]?.array?.first
        #expect(rule?["quota"]?["refused"] == 1)
        #expect(rule?["quota"]?["window"] == "sliding")
        #expect(rule?["quota"]?["refused_by_key"] == ["sk-test": 1])
    }

    @Test("fault: stall keeps the request unanswered until the client gives up; others are served meanwhile")
    func stall() throws {
        let server = try InProcessServer(["--threads", "1"])
        _ = try load("version: 1\nrules:\n  - { when: { endpoint: retrieve }, respond: { fault: stall } }\n", into: server)
        let stalled = try HTTPConnection(port: server.port)
        var timeout = timeval(tv_sec: 0, tv_usec: 300_000)
        setsockopt(stalled.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let started = Date()
        #expect(throws: (any Error).self) { try stalled.send("GET", "/v1/videos/video_x", headers: [("Authorization", "Bearer k")]) }
        #expect(Date().timeIntervalSince(started) >= 0.29)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status == 200)
        #expect(try server.get("/__admin/health", key: nil).status == 200)
    }

    @Test("a stalled connection is closed by the idle timeout")
    func stallIdleTimeout() throws {
        let server = try InProcessServer(["--idle-timeout", "0.5"])
        let connection = try HTTPConnection(port: server.port)
        let started = Date()
        try connection.write("GET /v1/videos/video_x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nX-VideoMock-Fault: stall\r\n\r\n")
        var byte: UInt8 = 0
        let received = recv(connection.fd, &byte, 1, 0)
        #expect(received == 0, "closed without a reply")
        #expect(Date().timeIntervalSince(started) >= 0.45)
    }

    @Test("header overrides work on every provider and are journaled", arguments: 0..<3)
    func headerOverrides(_ index: Int) throws {
        let (provider, path, body) = providerCreates[index]
        let server = try InProcessServer()
        let unavailable = try server.request(
            "POST", path, headers: [("Content-Type", "application/json"), ("X-VideoMock-Status", "503")], body: body.bytes)
        #expect(unavailable.status == 503)
        #expect(unavailable.error["code"] == "service_unavailable")
        let started = Date()
        let slow = try server.request(
            "POST", path, headers: [("Content-Type", "application/json"), ("X-VideoMock-Delay", "300ms")], body: body.bytes)
        #expect(slow.status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.29)
        #expect(throws: (any Error).self) {
            _ = try server.request(
                "POST", path, headers: [("Content-Type", "application/json"), ("X-VideoMock-Fault", "reset")], body: body.bytes)
        }
        let bad = try server.request(
            "POST", path, headers: [("Content-Type", "application/json"), ("X-VideoMock-Status", "teapot")], body: body.bytes)
        #expect(bad.status == 400)
        #expect(bad.error["param"] == "X-VideoMock-Status")
        let journal = try server.get("/__admin/requests?provider=\(provider)", key: nil).json["requests"]?.array ?? []
        #expect(journal.map { $0["rule"] } == ["X-VideoMock headers", "X-VideoMock headers", "X-VideoMock headers", .null])
        #expect(journal.map { $0["status"] } == [503, 200, 200, 400])
    }

    @Test("--no-header-overrides ignores the headers")
    func headerOverridesOff() throws {
        let server = try RoutedServer(["--no-header-overrides"])
        let created = try server.request(
            "POST", "/v1/videos", headers: [("Content-Type", "application/json"), ("X-VideoMock-Status", "503")],
            body: Array(#"{"model": "sora-2", "prompt": "p"}"#.utf8))
        #expect(created.status == 200)
    }

    @Test(
        "a misspelt or ill-typed new key stops videomock serve with FILE:LINE:COLUMN",
        arguments: [
            ("version: 1\nrules:\n  - { when: { tims: 2 }, respond: { status: 500 } }\n", 3, 15, "unknown key 'tims'"),
            ("version: 1\nrules:\n  - { when: { times: two }, respond: { status: 500 } }\n", 3, 22, "expected a whole number from 1"),
            ("version: 1\nrules:\n  - { when: { chance: 1.5 }, respond: { status: 500 } }\n", 3, 23, "chance must be from 0 to 1"),
            ("version: 1\nrules:\n  - { when: { after: -1 }, respond: { status: 500 } }\n", 3, 22, "after must be 0 or more"),
            ("version: 1\nrules:\n  - { when: { body: { a..b: x } }, respond: { status: 500 } }\n", 3, 23, "is not a field path"),
            (
                "version: 1\nrules:\n  - { when: { body: { size: { there: no } } }, respond: { status: 500 } }\n", 3, 31,
                "unknown key 'there'"
            ),
            ("version: 1\nrules:\n  - { quota: { requests: 10 } }\n", 3, 14, "a quota needs requests and per"),
            ("version: 1\nrules:\n  - { quota: { requests: 0, per: 1m } }\n", 3, 26, "requests must be 1 or more"),
            ("version: 1\nseed: -3\nrules: []\n", 2, 7, "seed must be a whole number from 0"),
            (
                "version: 1\nrules:\n  - { respond: { fault: stal } }\n", 3, 25,
                "unknown fault 'stal'; expected one of: reset, empty, truncate, stall"
            ),
        ])
    func badKeys(_ text: String, _ line: Int, _ column: Int, _ message: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID()).yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["serve", "--port", "0", "--scenario", file.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 2)
        #expect(output.contains("\(file.path):\(line):\(column): "), "stderr: \(output)")
        #expect(output.contains(message), "stderr: \(output)")
    }

    @Test("the ready-made chaos, quota and fail-first-two scenarios do what they say")
    func readyMade() throws {
        let failFirst = try RoutedServer(["--scenario", "\(root)/scenarios/fail-first-two.yaml"])
        let statuses = try (0..<3).map { _ in try failFirst.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status }
        #expect(statuses == [503, 503, 200])

        let quota = try RoutedServer(["--clock", "manual", "--scenario", "\(root)/scenarios/quota.yaml"])
        let creates = try (0..<11).map { _ in try quota.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status }
        #expect(creates.filter { $0 == 200 }.count == 10)
        #expect(creates.last == 429)

        let chaos = try RoutedServer(["--time-scale", "0", "--scenario", "\(root)/scenarios/chaos.yaml"])
        let id = try chaos.create(["model": "sora-2", "prompt": "p"])
        let polls = try (0..<200).map { _ in try chaos.get("/v1/videos/\(id)").status }
        let flakes = polls.filter { $0 == 503 }.count
        #expect((8...35).contains(flakes), "about 10% of 200 polls, got \(flakes)")
        let again = try RoutedServer(["--time-scale", "0", "--scenario", "\(root)/scenarios/chaos.yaml"])
        let other = try again.create(["model": "sora-2", "prompt": "p"])
        #expect(try (0..<200).map { _ in try again.get("/v1/videos/\(other)").status } == polls, "seeded: the same run twice")
    }
}
