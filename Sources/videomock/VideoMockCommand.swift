import ArgumentParser
import Glibc
import VideoMock
import VideoMockCore

@main
struct VideoMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "videomock",
        abstract: "A local test double for AI video-generation gateways (AIHubMix, Mixroute, Amux).",
        subcommands: [Serve.self],
        defaultSubcommand: Serve.self)

    /// Parses and runs; bad flags exit 2 with one line, as the README promises.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            let message = self.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            printError(message)
            Glibc.exit(2)
        }
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the emulated APIs until interrupted.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one (the ready line tells which).")
    var port = 8080

    @Option(help: "Event loops, one per thread (default: the number of cores).")
    var threads: Int?

    @Option(name: .customLong("time-scale"), help: "Multiplies every lifecycle duration; 0 finishes a task on its first read.")
    var timeScale = 1.0

    @Option(help: "wall: real time; manual: time moves only through POST /__admin/clock/advance.")
    var clock = "wall"

    @Option(name: .customLong("api-key"), help: "An accepted bearer token (repeatable); none given: any non-empty token.")
    var apiKeys: [String] = []

    @Option(help: "Seed for ids and any randomness, for reproducible runs.")
    var seed: UInt64?

    @Option(name: .customLong("max-body"), help: "Largest request body in bytes; larger ones get 413.")
    var maxBody = 32 << 20

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may stay silent, or take to send its headers.")
    var idleTimeout = 30.0

    @Option(help: "The fixtures directory (media/ and catalog/); found automatically when omitted.")
    var fixtures: String?

    @Option(name: .customLong("catalog"), help: "An extra catalog file adding or replacing models (repeatable).")
    var catalogs: [String] = []

    @Option(help: "Who serves the bare /v1/... paths: aihubmix, mixroute or amux.")
    var provider = "aihubmix"

    @Option(name: .customLong("scenario"), help: "A scenario file, YAML or JSON (repeatable; rules consulted in order).")
    var scenarios: [String] = []

    @Option(name: .customLong("journal-size"), help: "How many requests the journal keeps.")
    var journalSize = 10_000

    @Option(name: .customLong("admin-token"), help: "Require this token (Authorization: Bearer or X-Admin-Token) on /__admin.")
    var adminToken: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535, got \(port)") }
        if let threads, !(1...256).contains(threads) { throw ValidationError("--threads must be from 1 to 256, got \(threads)") }
        guard timeScale >= 0, timeScale <= 1_000_000 else { throw ValidationError("--time-scale must be from 0 to 1000000, got \(timeScale)") }
        guard Clock.Mode(rawValue: clock) != nil else { throw ValidationError("--clock must be wall or manual, got '\(clock)'") }
        guard maxBody > 0 else { throw ValidationError("--max-body must be a positive number of bytes, got \(maxBody)") }
        guard idleTimeout > 0, idleTimeout <= 86400 else { throw ValidationError("--idle-timeout must be from 0 to 86400 seconds, got \(idleTimeout)") }
        if apiKeys.contains(where: \.isEmpty) { throw ValidationError("--api-key must not be empty") }
        guard journalSize >= 0 else { throw ValidationError("--journal-size must be 0 or more, got \(journalSize)") }
        if adminToken?.isEmpty == true { throw ValidationError("--admin-token must not be empty") }
    }

    func run() throws {
        var configuration = Configuration()
        configuration.host = host
        configuration.port = port
        configuration.threads = threads ?? Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        configuration.timeScale = timeScale
        configuration.clock = Clock.Mode(rawValue: clock)!
        configuration.apiKeys = apiKeys
        configuration.seed = seed
        configuration.maxBodyBytes = maxBody
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.fixturesDirectory = fixtures
        configuration.catalogFiles = catalogs
        configuration.bareProvider = provider
        configuration.scenarioFiles = scenarios
        configuration.journalSize = journalSize
        configuration.adminToken = adminToken

        // Signals are taken by sigwait below, not by whichever thread they land on.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let server: VideoMockServer
        do { server = try VideoMockServer(configuration: configuration) } catch {
            printError("\(error)")
            Glibc.exit(2)
        }
        print("listening on \(server.url)")
        fflush(nil)

        var received: Int32 = 0
        sigwait(&signals, &received)
        // Nothing is left to flush or release: leave at once, skipping at-exit work.
        fflush(nil)
        _exit(0)
    }
}

/// One line on standard error, prefixed with the program's name.
func printError(_ message: String) {
    let line = Array("videomock: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
