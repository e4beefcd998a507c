import ArgumentParser
import Glibc
import JSON
import VideoMock

@main
struct VideoMockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "videomock",
        abstract: "A local test double for AI video-generation gateways (AIHubMix, Mixroute, Amux).",
        version: VideoMockServer.version,
        subcommands: [Serve.self, VerdictCommand.self, HealthCommand.self, SizesCommand.self, DriftCommand.self],
        defaultSubcommand: Serve.self)

    /// Parses and runs; bad flags exit 2 with one line, as the README promises.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            fflush(nil)
            Glibc.exit(code.rawValue)
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

/// `videomock serve`: each flag sets one field of `Configuration`, whose defaults it shows.
struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the emulated APIs until interrupted.")
    private static let defaults = Configuration()

    // Numbers take the next argument even when it starts with a dash, so that `--port -1` is
    // refused for its value rather than read as a missing one.

    @Option(help: "Address to listen on.")
    var host = defaults.host

    @Option(parsing: .unconditional, help: "Port to listen on; 0 picks a free one (the ready line tells which).")
    var port = defaults.port

    @Option(parsing: .unconditional, help: "Event loops, one per thread (default: the number of cores).")
    var threads: Int?

    @Option(
        name: .customLong("time-scale"), parsing: .unconditional, help: "Multiplies every lifecycle duration; 0 finishes tasks at once.")
    var timeScale = defaults.timeScale

    @Option(help: "wall: real time; manual: time moves only through POST /__admin/clock/advance.")
    var clock = defaults.clock.rawValue

    @Option(name: .customLong("api-key"), help: "An accepted bearer token (repeatable); none given: any non-empty token.")
    var apiKeys: [String] = []

    @Option(help: "Seed for ids and any randomness, for reproducible runs.")
    var seed: UInt64?

    @Option(name: .customLong("max-body"), parsing: .unconditional, help: "Largest request body in bytes; larger ones get 413.")
    var maxBody = defaults.maxBodyBytes

    @Option(
        name: .customLong("idle-timeout"), parsing: .unconditional,
        help: "Seconds a connection may stay silent, or take to send its headers.")
    var idleTimeout = defaults.idleTimeoutSeconds

    @Option(help: "The fixtures directory (media/ and catalog/); found automatically when omitted.")
    var fixtures: String?

    @Option(name: .customLong("catalog"), help: "An extra catalog file adding or replacing models (repeatable).")
    var catalogs: [String] = []

    @Option(help: "Who serves the bare /v1/... paths: aihubmix, mixroute or amux.")
    var provider = defaults.bareProvider.rawValue

    @Option(name: .customLong("scenario"), help: "A scenario file, YAML or JSON (repeatable; rules consulted in order).")
    var scenarios: [String] = []

    @Option(name: .customLong("journal-size"), parsing: .unconditional, help: "How many requests the journal keeps; 0 keeps none.")
    var journalSize = defaults.journalSize

    @Option(
        name: .customLong("admin-token"),
        help: "Require this token (Authorization: Bearer or X-Admin-Token) on /__admin (default: $VIDEOMOCK_ADMIN_TOKEN).")
    var adminToken: String?

    @Option(
        name: .customLong("shutdown-grace"), parsing: .unconditional,
        help: "Seconds a stop (SIGTERM, SIGINT) waits for replies in progress before closing their connections.")
    var shutdownGrace = defaults.shutdownGraceSeconds

    @Flag(
        name: .customLong("no-header-overrides"),
        help: "Ignore X-VideoMock-Status, X-VideoMock-Delay and X-VideoMock-Fault request headers.")
    var noHeaderOverrides = false

    @Option(
        name: .customLong("verdict-report"),
        help: "Write the verdict on the client to this file when stopped: .json, .xml (JUnit) or .html, by its name.")
    var verdictReport: String?

    @Option(
        name: .customLong("verdict-poll-interval"), parsing: .unconditional,
        help: "Seconds expected between status reads where a provider advises no interval.")
    var verdictPollInterval = defaults.verdictPollIntervalSeconds

    @Option(
        name: .customLong("verdict-duplicate-window"), parsing: .unconditional,
        help: "Seconds within which a second create with the same body is a duplicate.")
    var verdictDuplicateWindow = defaults.verdictDuplicateWindowSeconds

    @Option(name: .customLong("verdict-retry-storm"), parsing: .unconditional, help: "More attempts of one failing request are a storm.")
    var verdictRetryStorm = defaults.verdictRetryStorm

    @Option(
        name: .customLong("verdict-unbounded-polls"), parsing: .unconditional,
        help: "More status reads of an unfinished task mean the client has no timeout.")
    var verdictUnboundedPolls = defaults.verdictUnboundedPolls

    @Option(
        name: .customLong("verdict-unbounded-time"), parsing: .unconditional,
        help: "Seconds of polling an unfinished task that mean the client has no timeout.")
    var verdictUnboundedTime = defaults.verdictUnboundedSeconds

    @Option(name: .customLong("verdict-ignore"), help: "A finding code not to report (repeatable).")
    var verdictIgnore: [String] = []

    @Option(
        name: .customLong("upstream"),
        help: "PROVIDER=URL: forward that provider's requests to the real gateway (repeatable), e.g. aihubmix=https://aihubmix.com.")
    var upstreams: [String] = []

    @Option(name: .customLong("upstream-key"), help: "PROVIDER=KEY: the key sent upstream instead of the client's Authorization.")
    var upstreamKeys: [String] = []

    @Option(name: .customLong("upstream-ca"), help: "A CA file trusted for HTTPS upstreams, besides the system's bundle.")
    var upstreamCA: String?

    @Option(name: .customLong("record"), help: "Write each proxied exchange to FILE as a JSON line (credentials redacted).")
    var record: String?

    @Option(name: .customLong("replay"), help: "Serve the task lifecycles recorded in FILE, offline.")
    var replay: String?

    @Option(name: .customLong("replay-by"), help: "time: recorded replies at their recorded offsets; polls: at the read that saw them.")
    var replayBy = "time"

    @Flag(name: .customLong("replay-strict"), help: "A provider request no recording matches gets 404 replay_miss.")
    var replayStrict = false

    /// PROVIDER=VALUE pairs of a repeatable flag.
    private static func pairs(_ values: [String], flag: String) throws -> [Configuration.Provider: String] {
        var result: [Configuration.Provider: String] = [:]
        for value in values {
            guard let equals = value.firstIndex(of: "="), let provider = Configuration.Provider(rawValue: String(value[..<equals])) else {
                let known = Configuration.Provider.allCases.map(\.rawValue).joined(separator: ", ")
                throw ValidationError("--\(flag) takes PROVIDER=VALUE with PROVIDER one of \(known), got '\(value)'")
            }
            result[provider] = String(value[value.index(after: equals)...])
        }
        return result
    }

    /// The configuration the flags describe, checked as the library checks it.
    func makeConfiguration() throws -> Configuration {
        var configuration = Configuration()
        guard let clockMode = Configuration.ClockMode(rawValue: clock) else {
            throw ValidationError("--clock must be wall or manual, got '\(clock)'")
        }
        guard let bareProvider = Configuration.Provider(rawValue: provider) else {
            let known = Configuration.Provider.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("unknown provider '\(provider)'; known: \(known)")
        }
        configuration.host = host
        configuration.port = port
        configuration.threads = threads
        configuration.timeScale = timeScale
        configuration.clock = clockMode
        configuration.apiKeys = apiKeys
        configuration.seed = seed
        configuration.maxBodyBytes = maxBody
        configuration.idleTimeoutSeconds = idleTimeout
        configuration.fixturesDirectory = fixtures
        configuration.catalogFiles = catalogs
        configuration.bareProvider = bareProvider
        configuration.scenarioFiles = scenarios
        configuration.journalSize = journalSize
        configuration.adminToken = adminToken ?? environmentAdminToken
        configuration.shutdownGraceSeconds = shutdownGrace
        configuration.verdictReportFile = verdictReport
        configuration.headerOverrides = !noHeaderOverrides
        configuration.verdictPollIntervalSeconds = verdictPollInterval
        configuration.verdictDuplicateWindowSeconds = verdictDuplicateWindow
        configuration.verdictRetryStorm = verdictRetryStorm
        configuration.verdictUnboundedPolls = verdictUnboundedPolls
        configuration.verdictUnboundedSeconds = verdictUnboundedTime
        configuration.verdictIgnoredCodes = verdictIgnore
        configuration.upstreams = try Self.pairs(upstreams, flag: "upstream")
        configuration.upstreamKeys = try Self.pairs(upstreamKeys, flag: "upstream-key")
        configuration.upstreamCAFile = upstreamCA
        configuration.recordFile = record
        configuration.replayFile = replay
        guard let pace = Configuration.ReplayPace(rawValue: replayBy) else {
            throw ValidationError("--replay-by must be time or polls, got '\(replayBy)'")
        }
        configuration.replayBy = pace
        configuration.replayStrict = replayStrict
        do { try configuration.validate() } catch { throw ValidationError(error.description) }
        return configuration
    }

    func validate() throws {
        _ = try makeConfiguration()
        if let verdictReport, VerdictReport.Format(fileName: verdictReport) == nil {
            throw ValidationError("--verdict-report must end in .json, .xml (JUnit) or .html, got '\(verdictReport)'")
        }
    }

    func run() throws {
        let configuration = try makeConfiguration()

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
        if configuration.adminToken == nil, !Serve.isLoopback(configuration.host) {
            printError(
                "warning: the admin API is open to anyone who can reach \(configuration.host) (start with --admin-token to close it)")
        }
        fflush(nil)

        var received: Int32 = 0
        sigwait(&signals, &received)
        // Replies in progress finish (up to the grace); then nothing is left to release.
        server.stop()
        if let file = configuration.verdictReportFile, let format = VerdictReport.Format(fileName: file) {
            var report = VerdictReport(verdict: (try? JSON(encoding: server.verdict())) ?? .null)
            if format == .html { report.tasks = (try? JSON(encoding: server.tasks()))?.array ?? [] }
            do { try writeFile(file, report.render(format)) } catch {
                printError("cannot write the verdict report to \(file): \(error)")
                fflush(nil)
                _exit(1)
            }
        }
        fflush(nil)
        _exit(0)
    }
}

extension Serve {
    /// Whether `host` is reachable only from this machine.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// `$VIDEOMOCK_ADMIN_TOKEN`, which every subcommand reads when `--admin-token` is not given (a
/// container's health check then needs no flags).
var environmentAdminToken: String? {
    getenv("VIDEOMOCK_ADMIN_TOKEN").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 }
}

/// Writes `text` to `path`, replacing what was there.
func writeFile(_ path: String, _ text: String) throws {
    guard let file = fopen(path, "w") else { throw FileWriteError(reason: String(cString: strerror(errno))) }
    defer { fclose(file) }
    let bytes = Array(text.utf8)
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw FileWriteError(reason: String(cString: strerror(errno))) }
}

struct FileWriteError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// One line on standard error, prefixed with the program's name.
func printError(_ message: String) {
    let line = Array("videomock: \(message)\n".utf8)
    _ = line.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
}
