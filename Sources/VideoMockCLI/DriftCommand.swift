import ArgumentParser
import Glibc
import Recording
import VideoMock

/// `videomock drift FILE`: how a recording of the real gateway differs from VideoMock's
/// emulation, per provider, endpoint and model; exit 1 on any difference.
struct DriftCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compare a recording (serve --record) with VideoMock's emulation; exit 1 on any drift, 0 on none.",
        discussion: """
            Each recorded request is sent to VideoMock's own emulation, and each recorded reply compared with VideoMock's \
            reply for the same task in the same state: status code, Content-Type, the JSON's field names, types and \
            enumeration words (status), and the headers clients read (openai-poll-after-ms, Retry-After). Models the \
            recording uses that no catalog has are listed. Exits 2 when the recording cannot be read.
            """)

    @Argument(help: "The recording (JSON lines, as serve --record writes them).")
    var file: String

    @Option(help: "text (a table per provider, endpoint and model) or json.")
    var format = "text"

    @Option(help: "The fixtures directory (found automatically when omitted).")
    var fixtures: String?

    @Option(name: .customLong("catalog"), help: "An extra catalog file (repeatable), as serve takes it.")
    var catalogs: [String] = []

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format must be text or json, got '\(format)'") }
    }

    func run() throws {
        var configuration = Configuration()
        configuration.fixturesDirectory = fixtures
        configuration.catalogFiles = catalogs
        configuration.port = 0
        let report: DriftReport
        do { report = try DriftCheck.run(file: file, configuration: configuration) } catch {
            printError("\(error)")
            throw ExitCode(2)
        }
        print(format == "json" ? String(decoding: report.json.bytes, as: UTF8.self) : report.text)
        if report.hasDrift { throw ExitCode(1) }
    }
}
