import Foundation
import Testing
import VideoMock

@Suite("The videomock command line")
struct ServerCLITests {
    /// Runs the binary to completion and returns its exit status and output.
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    @Test(
        "bad flags exit 2 with one line saying why",
        arguments: [
            (["serve", "--port", "70000"], "--port must be from 0 to 65535"),
            (["serve", "--port", "-1"], "--port must be from 0 to 65535, got -1"),
            (["serve", "--time-scale", "-1"], "--time-scale must be from 0 to 1000000, got -1"),
            (["serve", "--idle-timeout", "0"], "--idle-timeout must be more than 0 and at most 86400 seconds, got 0"),
            (["serve", "--journal-size", "-5"], "--journal-size must be 0 (keep none) or more, got -5"),
            (["serve", "--clock", "sundial"], "--clock must be wall or manual"),
            (["serve", "--time-scale=-1"], "--time-scale must be from 0 to 1000000"),
            (["serve", "--threads", "0"], "--threads must be from 1 to 256"),
            (["serve", "--bogus"], "Unknown option '--bogus'"),
            (["serve", "--port", "abc"], "The value 'abc' is invalid for '--port <port>'"),
            (["serve", "--port", "0", "--provider", "nobody"], "unknown provider 'nobody'"),
            (["serve", "--port", "0", "--fixtures", "/nonexistent"], "/nonexistent is not a fixtures directory"),
        ])
    func badFlags(_ arguments: [String], _ reason: String) throws {
        let result = try run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("videomock: "))
        #expect(result.stderr.contains(reason), "stderr was: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test("--help documents every flag and exits 0")
    func help() throws {
        let result = try run(["serve", "--help"])
        #expect(result.status == 0)
        for flag in [
            "--host", "--port", "--threads", "--time-scale", "--clock", "--api-key", "--seed", "--max-body", "--fixtures", "--catalog",
            "--idle-timeout", "--provider",
        ] {
            #expect(result.stdout.contains(flag), "missing \(flag)")
        }
    }

    @Test("the ready line gives the real port; SIGTERM and SIGINT end it with status 0 within a second")
    func readyAndSignals() throws {
        for signal in [SIGTERM, SIGINT] {
            let server = try ServerProcess()
            #expect(server.port > 0 && server.port != 8080)
            #expect(try server.get("/__admin/health", key: nil).status == 200)
            kill(server.process.processIdentifier, signal)
            #expect(eventually(within: 1) { !server.process.isRunning })
            #expect(server.process.terminationStatus == 0)
        }
    }

    @Test("videomock health exits 0 for a healthy server and 1 when none answers")
    func health() throws {
        let server = try ServerProcess(["--admin-token", "t0ken"])
        let url = "http://127.0.0.1:\(server.port)"
        let healthy = try runToEnd(ServerProcess.binary, ["health", "--url", url, "--admin-token", "t0ken"])
        #expect(healthy.status == 0)
        #expect(healthy.output == "healthy: VideoMock \(VideoMockServer.version) at \(url)\n")
        let refused = try runToEnd(ServerProcess.binary, ["health", "--url", url])
        #expect(refused.status == 1)
        #expect(refused.output.contains("is not healthy: it answered 401"))
        let gone = try runToEnd(ServerProcess.binary, ["health", "--url", "http://127.0.0.1:1"])
        #expect(gone.status == 1)
        #expect(gone.output.contains("is not healthy: connection refused"))
    }

    @Test("listening beyond loopback without --admin-token warns that the admin API is open")
    func openAdminWarning() throws {
        func warning(_ arguments: [String]) throws -> String {
            let server = try ServerProcess(["--host", "0.0.0.0"] + arguments)
            kill(server.process.processIdentifier, SIGTERM)
            server.process.waitUntilExit()
            return server.standardError()
        }
        #expect(
            try warning([])
                == "videomock: warning: the admin API is open to anyone who can reach 0.0.0.0 (start with --admin-token to close it)\n")
        #expect(try warning(["--admin-token", "t0ken"]) == "")
        let local = try ServerProcess()
        kill(local.process.processIdentifier, SIGTERM)
        local.process.waitUntilExit()
        #expect(local.standardError() == "")
    }

    @Test("started from another directory, it still finds its fixtures")
    func fixturesFromAnyDirectory() throws {
        let process = Process()
        process.executableURL = ServerProcess.binary
        process.arguments = ["serve", "--port", "0"]
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        let line = ServerProcess.readLine(out.fileHandleForReading, timeout: 10) ?? ""
        #expect(line.hasPrefix("listening on http://127.0.0.1:"))
    }

    @Test("--seed makes ids reproducible")
    func seed() throws {
        let first = try ServerProcess(["--seed", "42"]).create(["model": "sora-2", "prompt": "p"])
        let second = try ServerProcess(["--seed", "42"]).create(["model": "sora-2", "prompt": "p"])
        let other = try ServerProcess(["--seed", "43"]).create(["model": "sora-2", "prompt": "p"])
        #expect(first == second)
        #expect(first != other)
    }

    @Test("--catalog adds a model without recompiling")
    func extraCatalog() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("extra-\(UUID()).yaml")
        try """
        provider: aihubmix
        models:
          sora-3:
            shape: sora
            params:
              prompt: { type: string, required: true }
              seconds: { as: duration, type: integer, values: [10, 20], default: 10 }
        """.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let server = try ServerProcess(["--catalog", file.path])
        let created = try server.post("/v1/videos", json: ["model": "sora-3", "prompt": "p", "seconds": "20"])
        #expect(created.status == 200)
        #expect(created.json["seconds"] == "20")
        #expect(try server.post("/v1/videos", json: ["model": "sora-3", "prompt": "p", "seconds": "4"]).error["param"] == "seconds")
    }
}
