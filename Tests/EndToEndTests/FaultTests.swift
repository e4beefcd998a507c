import Foundation
import Glibc
import JSON
import Testing

/// Sends raw bytes and reads until the server closes: what came back, and the errno that ended it (0 for a clean close).
func exchange(port: Int, _ request: String) throws -> (bytes: [UInt8], error: Int32) {
    let connection = try HTTPConnection(port: port)
    try connection.write(request)
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = chunk.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { return (received, errno) }
        if count == 0 { return (received, 0) }
        received += chunk[0..<count]
    }
}

@Suite("Scripted faults")
struct FaultTests {
    static let scenario = """
        version: 1
        rules:
          - { when: { header: { X-Fault: reset } }, respond: { fault: reset } }
          - { when: { header: { X-Fault: empty } }, respond: { fault: empty } }
          - { when: { header: { X-Fault: truncate } }, respond: { fault: truncate } }
          - { when: { header: { X-Fault: slow } }, respond: { delay: 800ms } }
          - { when: { header: { X-Fault: slow-error } }, respond: { status: 502, delay: 300ms } }
          - { when: { header: { X-Fault: trickle } }, respond: { throttle: 2KiB/s } }
        """

    static func request(_ fault: String, path: String = "/v1/videos") -> String {
        "GET \(path) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\nX-Fault: \(fault)\r\n\r\n"
    }

    @Test("reset: the connection is dropped with no reply at all")
    func reset() throws {
        let server = try ServerProcess()
        try load(Self.scenario, into: server)
        let (bytes, error) = try exchange(port: server.port, Self.request("reset"))
        #expect(bytes.isEmpty)
        #expect(error == ECONNRESET)
        #expect(try server.get("/v1/videos").status == 200)
    }

    @Test("empty: the status line and headers arrive, then the connection closes without the body")
    func empty() throws {
        let server = try ServerProcess()
        try load(Self.scenario, into: server)
        let (bytes, _) = try exchange(port: server.port, Self.request("empty"))
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        let length = Int(text.components(separatedBy: "Content-Length: ")[1].prefix { $0.isNumber }) ?? 0
        #expect(length > 0)
        #expect(text.hasSuffix("\r\n\r\n"), "nothing after the headers")
    }

    @Test("truncate: Content-Length promises more than is sent before the close")
    func truncate() throws {
        let server = try ServerProcess(["--time-scale", "0"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let whole = try server.get("/v1/videos/\(id)/content").body
        try load(Self.scenario, into: server)
        let (bytes, _) = try exchange(port: server.port, Self.request("truncate", path: "/v1/videos/\(id)/content"))
        let split = try #require(bytes.indices.first { bytes[$0..<min($0 + 4, bytes.count)] == [13, 10, 13, 10] })
        let head = String(decoding: bytes[..<split], as: UTF8.self)
        let length = Int(head.components(separatedBy: "Content-Length: ")[1].prefix { $0.isNumber }) ?? 0
        let body = bytes[(split + 4)...]
        #expect(length == whole.count)
        #expect(body.count == length / 2)
        #expect(Array(body) == Array(whole.prefix(length / 2)))
    }

    @Test("delay: the reply waits, and other clients are served meanwhile")
    func delay() throws {
        let server = try ServerProcess(["--threads", "1"], defaultArguments: [])
        try load(Self.scenario, into: server)
        let started = Date()
        let slow = try HTTPConnection(port: server.port)
        try slow.write(Self.request("slow"))
        // One event loop: a blocking delay would hold this back too.
        #expect(try server.get("/__admin/health", key: nil).status == 200)
        #expect(Date().timeIntervalSince(started) < 0.5)
        let reply = try slow.readResponse()
        #expect(reply.status == 200)
        #expect(Date().timeIntervalSince(started) >= 0.8)
        // The same connection keeps working after a delayed reply.
        try slow.write("GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try slow.readResponse().status == 200)

        let errorStart = Date()
        let scripted = try server.get("/v1/videos", headers: [("X-Fault", "slow-error")])
        #expect(scripted.status == 502)
        #expect(scripted.error["code"] == "bad_gateway")
        #expect(Date().timeIntervalSince(errorStart) >= 0.3)
    }

    @Test("a delayed or throttled status reply shows its own task, though the loop wrote other replies meanwhile")
    func delayedReplyKeepsItsBody() throws {
        // One event loop: the replies sent during the delay are written where the delayed one was.
        let server = try ServerProcess(["--threads", "1", "--time-scale", "0"])
        try load(Self.scenario, into: server)
        let fox = try server.create(["model": "sora-2", "prompt": "a fox"])
        let whale = try server.create(["model": "sora-2", "prompt": "a whale singing under a frozen sea, filmed from far below"])
        let expected = try server.get("/v1/videos/\(fox)").body
        for fault in ["slow", "trickle"] {
            let slow = try HTTPConnection(port: server.port)
            try slow.write(Self.request(fault, path: "/v1/videos/\(fox)"))
            for _ in 0..<3 { #expect(try server.get("/v1/videos/\(whale)").json["id"]?.string == whale) }
            let reply = try slow.readResponse()
            #expect(reply.status == 200, "\(fault)")
            #expect(reply.header("Content-Length") == String(expected.count), "\(fault)")
            #expect(reply.body == expected, "\(fault)")
        }
    }

    @Test("the ready-made slow-upstream scenario delays creates by 5 s")
    func slowUpstream() async throws {
        let server = try ServerProcess(["--scenario", "\(root)/scenarios/slow-upstream.yaml"])
        let started = Date(), port = server.port
        let reply = try await offTestThreads {
            try HTTPConnection(port: port).send("GET", "/v1/videos", headers: [("Authorization", "Bearer sk-test")])
        }
        #expect(reply.status == 200)
        #expect(Date().timeIntervalSince(started) >= 2)
    }
}

@Suite("Ready-made scenarios")
struct ReadyMadeScenarioTests {
    @Test("every file in scenarios/ loads", arguments: try FileManager.default.contentsOfDirectory(atPath: "\(root)/scenarios").sorted())
    func loads(_ name: String) throws {
        let server = try ServerProcess(["--scenario", "\(root)/scenarios/\(name)"])
        let loaded = try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.first
        #expect(loaded?["source"]?.string?.hasSuffix(name) == true)
        #expect(loaded?["from_command_line"] == true)
    }

    @Test("rate-limited-then-success: the first create gets 429 with Retry-After, the retry succeeds")
    func rateLimited() throws {
        let server = try ServerProcess(["--scenario", "\(root)/scenarios/rate-limited-then-success.yaml"])
        let first = try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"])
        #expect(first.status == 429)
        #expect(first.header("Retry-After") == "2")
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status == 200)
    }

    @Test("flaky-503-then-success: the first create and every third poll answer 503")
    func flaky() throws {
        let server = try ServerProcess(["--scenario", "\(root)/scenarios/flaky-503-then-success.yaml"])
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status == 503)
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let polls = try (0..<6).map { _ in try server.get("/v1/videos/\(id)").status }
        #expect(polls == [200, 200, 503, 200, 200, 503])
    }

    @Test("failure-shapes: each documented status, in each provider's envelope")
    func failureShapes() throws {
        let server = try ServerProcess(["--scenario", "\(root)/scenarios/failure-shapes.yaml"])
        for status in [400, 401, 403, 429, 500, 502, 503] {
            for path in ["/v1/videos", "/mixroute/v1/video/generations/x", "/amux/v1/videos/x"] {
                let result = try server.get(path, headers: [("X-VideoMock-Error", String(status))])
                #expect(result.status == status)
                #expect(result.error.object?.keys == ["message", "type", "param", "code"])
            }
        }
    }

    @Test("kling-delete-501: Kling completes after two polls and refuses delete")
    func klingDelete() throws {
        let server = try ServerProcess(["--scenario", "\(root)/scenarios/kling-delete-501.yaml"])
        let id = try server.create(["model": "kling-v1-6", "prompt": "cat"])
        #expect(
            try (0..<3).map { _ in try server.get("/v1/videos/\(id)").json["status"]?.string ?? "" } == [
                "in_progress", "in_progress", "completed",
            ])
        #expect(try server.request("DELETE", "/v1/videos/\(id)").status == 501)
    }
}
