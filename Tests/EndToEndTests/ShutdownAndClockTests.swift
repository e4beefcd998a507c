import Foundation
import JSON
import Synchronization
import Testing

@Suite("Stopping, versions and installing")
struct LifecycleOfTheServerTests {
    /// Sends `GET path` at once, on a thread of its own; awaiting the reply holds no test thread.
    func inBackground(_ server: ServerProcess, _ path: String) -> PendingReply { PendingReply(port: server.port, path: path) }

    func waitForExit(_ server: ServerProcess, within seconds: Double) -> Bool {
        eventually(within: seconds) { !server.process.isRunning }
    }

    /// Waits until the server has taken in `count` requests (it journals each as it reads it).
    func waitForRequests(_ count: Int, at server: ServerProcess) throws {
        let arrived = try eventually { try server.get("/__admin/requests/count", key: nil).json["count"]?.int == count }
        guard arrived else { throw TestFailure("the server did not receive \(count) requests") }
    }

    /// A server whose replies wait 2 s (slow-upstream), sent SIGTERM while one is on its way.
    func stoppedWhileReplying(_ arguments: [String] = []) throws -> (ServerProcess, PendingReply, stopped: Date) {
        let server = try ServerProcess(["--scenario", "\(root)/scenarios/slow-upstream.yaml"] + arguments)
        let reply = inBackground(server, "/v1/videos/video_nothing")
        try waitForRequests(1, at: server)  // the request is in, its delay running
        let stopped = Date()
        kill(server.process.processIdentifier, SIGTERM)
        return (server, reply, stopped)
    }

    @Test("SIGTERM lets a reply in flight arrive whole, then exits 0")
    func gracefulStop() async throws {
        let (server, reply, _) = try stoppedWhileReplying()
        let answer = try await reply.value
        #expect(answer.status == 404)
        #expect(answer.error["code"] == "not_found")
        #expect(waitForExit(server, within: 3))
        #expect(server.process.terminationStatus == 0)
    }

    @Test("during the shutdown grace, new connections are refused rather than reset")
    func refusedDuringGrace() async throws {
        let (server, reply, _) = try stoppedWhileReplying()
        // Within moments of the signal, and from then on, connecting is refused.
        var outcome = ""
        #expect(
            eventually(within: 1) {
                do { _ = try HTTPConnection(port: server.port) } catch { outcome = "\(error)" }
                return !outcome.isEmpty
            })
        // A handshake under way at the very moment the socket stops listening is reset by the
        // kernel (a slow build, such as the thread sanitizer's, widens that moment); every
        // connection after it is refused.
        #expect(["connect failed: \(ECONNREFUSED)", "connect failed: \(ECONNRESET)"].contains(outcome))
        for _ in 0..<3 {
            #expect(throws: TestFailure("connect failed: \(ECONNREFUSED)")) { try HTTPConnection(port: server.port) }
        }
        #expect(try await reply.value.status == 404)
        #expect(waitForExit(server, within: 3))
    }

    @Test("a connection the kernel completed before the stop, not yet accepted, is served rather than reset")
    func waitingConnectionServed() throws {
        let server = try ServerProcess()
        let pid = server.process.processIdentifier
        // Stopped, the server accepts nothing: the kernel completes the handshake and queues it.
        kill(pid, SIGSTOP)
        let connection = try HTTPConnection(port: server.port)
        try connection.write(HTTPConnection.request("GET", "/v1/videos/video_nothing", headers: [("Authorization", "Bearer sk-test")]))
        kill(pid, SIGTERM)
        kill(pid, SIGCONT)
        let reply = try connection.readResponse()
        #expect(reply.status == 404)
        #expect(reply.error["code"] == "not_found")
        #expect(connection.isClosedByPeer(), "after its reply, whether it came before the stop or during it")
        #expect(waitForExit(server, within: 3))
        #expect(server.process.terminationStatus == 0)
    }

    @Test("a reply that would outlast --shutdown-grace is cut when the grace ends")
    func graceEnds() async throws {
        let (server, reply, stopped) = try stoppedWhileReplying(["--shutdown-grace", "0.3"])
        let process = server.process
        // Stamped on a thread of its own the moment the process ends.
        let exited = try await offTestThreads {
            process.waitUntilExit()
            return Date()
        }
        #expect(exited.timeIntervalSince(stopped) < 1.5)
        #expect(process.terminationStatus == 0)
        await #expect(throws: (any Error).self) { try await reply.value }
    }

    @Test("videomock --version prints the version the health check reports")
    func version() throws {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["--version"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        process.waitUntilExit()
        let printed = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(process.terminationStatus == 0)
        #expect(printed.split(separator: ".").count == 3, "a semantic version, got '\(printed)'")
        let health = try ServerProcess().get("/__admin/health", key: nil).json
        #expect(health == ["status": "ok", "version": .string(printed)])
    }

    @Test("installed into a prefix, it serves from any directory")
    func install() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("videomock-prefix-\(UUID())")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let installer = Process()
        installer.executableURL = URL(fileURLWithPath: "\(root)/Scripts/install.sh")
        installer.arguments = [ServerProcess.binary.path, prefix.path]
        installer.standardOutput = FileHandle.nullDevice
        try installer.run()
        installer.waitUntilExit()
        #expect(installer.terminationStatus == 0)

        let server = Process()
        server.executableURL = prefix.appendingPathComponent("bin/videomock")
        server.arguments = ["serve", "--port", "0", "--time-scale", "0"]
        server.currentDirectoryURL = URL(fileURLWithPath: "/")
        server.environment = [:]
        let out = Pipe()
        server.standardOutput = out
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let line = try #require(ServerProcess.readLine(out.fileHandleForReading, timeout: 10))
        let port = try #require(Int(line.split(separator: ":").last ?? ""))
        let connection = try HTTPConnection(port: port)
        let body: [UInt8] = Array(#"{"model": "sora-2", "prompt": "p"}"#.utf8)
        let created = try connection.send(
            "POST", "/v1/videos", headers: [("Authorization", "Bearer k"), ("Content-Type", "application/json")], body: body)
        let id = try #require(created.json["id"]?.string)
        let video = try connection.send("GET", "/v1/videos/\(id)/content", headers: [("Authorization", "Bearer k")])
        #expect(video.status == 200)
        #expect(video.header("Content-Type") == "video/mp4")
    }
}

@Suite("A clock per key")
struct KeyClockTests {
    @Test("advancing one key's clock moves its tasks and nobody else's")
    func independentKeys() throws {
        let server = try InProcessServer(["--clock", "manual"])
        let a = try server.create(["model": "sora-2", "prompt": "p"], key: "sk-a")
        let b = try server.create(["model": "sora-2", "prompt": "p"], key: "sk-b")
        let moved = try server.post("/__admin/clock/advance?api_key=sk-a", json: ["seconds": 10], key: nil)
        #expect(moved.json["offset"]?.number == 10)
        #expect(moved.json["api_key"] == "sk-a")
        #expect(try server.get("/v1/videos/\(a)", key: "sk-a").json["status"] == "completed")
        #expect(try server.get("/v1/videos/\(b)", key: "sk-b").json["status"] == "queued")
        #expect(try server.get("/v1/videos/\(a)/content", key: "sk-a").status == 200)
        #expect(try server.get("/v1/videos/\(b)/content", key: "sk-b").status == 400)

        let server0 = try #require(try server.get("/__admin/clock", key: nil).json["now"]?.number)
        let clockA = try #require(try server.get("/__admin/clock?api_key=sk-a", key: nil).json["now"]?.number)
        #expect(clockA == server0 + 10)
    }

    @Test("expiry and signed links follow the owner's clock; reset brings the key back to the server's time")
    func expiryAndReset() throws {
        let server = try InProcessServer(["--clock", "manual"])
        let id = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations", key: "sk-a")
        try server.advance(seconds: 10)
        let url = try #require(try server.get("/mixroute/v1/video/generations/\(id)", key: "sk-a").json["url"]?.string)
        let link = try #require(URL(string: url))
        let path = link.path + "?" + (link.query ?? "")
        #expect(try server.get(path, key: nil).status == 200)
        _ = try server.post("/__admin/clock/advance?api_key=sk-a", json: ["seconds": 86400], key: nil)
        #expect(try server.get(path, key: nil).status == 403)
        #expect(try server.get("/v1/videos", key: "sk-b").status == 200)
        #expect(try server.request("POST", "/__admin/reset?api_key=sk-a", key: nil).status == 200)
        #expect(try server.get("/__admin/clock?api_key=sk-a", key: nil).json["offset"]?.number == 0)
    }

    @Test("set moves one key's clock to a time; the server's stays")
    func setOneKey() throws {
        let server = try InProcessServer(["--clock", "manual"])
        let before = try #require(try server.get("/__admin/clock", key: nil).json["now"]?.number)
        let set = try server.post("/__admin/clock/set?api_key=sk-a", json: ["now": .double(before + 3600)], key: nil)
        #expect(set.json["now"]?.number == before + 3600)
        #expect(try server.get("/__admin/clock", key: nil).json["now"]?.number == before)
    }

    @Test("under --time-scale 0 the create reply advises polling at once")
    func instantAdvice() throws {
        let server = try InProcessServer(["--time-scale", "0"])
        let created = try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"])
        #expect(created.json["status"] == "queued")
        #expect(created.header("openai-poll-after-ms") == "0")
    }
}

/// A request sent on a thread of its own, whose reply a test awaits.
final class PendingReply: Sendable {
    private let result = Mutex<Result<HTTPResult, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(port: Int, path: String) {
        Thread { [self] in
            let answer = Result { try HTTPConnection(port: port).send("GET", path, headers: [("Authorization", "Bearer sk-test")]) }
            result.withLock { $0 = answer }
            done.signal()
        }.start()
    }

    var value: HTTPResult {
        get async throws {
            try await offTestThreads { [self] in
                done.wait()
                return try result.withLock { $0! }.get()
            }
        }
    }
}
