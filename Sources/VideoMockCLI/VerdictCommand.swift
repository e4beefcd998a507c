import ArgumentParser
import Glibc
import JSON
import VideoMockCore

/// `videomock verdict`: the findings on a client, for a person, with an exit status for CI.
struct VerdictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Print the verdict on the client of a running VideoMock; exit 1 when a finding is at or above --fail-on.",
        discussion: "Exits 2 when the server received no request for the scope asked about (--allow-empty passes).")

    enum Threshold: String, ExpressibleByArgument, CaseIterable {
        case error, warning, info
    }

    @Option(help: "The server (default: $VIDEOMOCK_URL, else http://127.0.0.1:8080).")
    var url: String?

    @Option(name: .customLong("api-key"), help: "Judge only this key's client.")
    var apiKey: String?

    @Option(name: .customLong("fail-on"), help: "The lowest severity that fails: error, warning or info.")
    var failOn = Threshold.error

    @Option(name: .customLong("admin-token"), help: "The server's --admin-token, if it has one (default: $VIDEOMOCK_ADMIN_TOKEN).")
    var adminToken: String?

    @Flag(name: .customLong("allow-empty"), help: "Pass when the server saw no request for the scope asked about (else exit 2).")
    var allowEmpty = false

    @Option(help: "text (default), json, junit (JUnit XML for CI test reports) or html (one self-contained page).")
    var format = VerdictReport.Format.text

    @Option(help: "Read the verdict from this JSON file (as the API or the pytest plugin writes it) instead of a server.")
    var input: String?

    @Option(help: "Write the report to this file instead of standard output.")
    var output: String?

    func run() throws {
        var report: VerdictReport
        if let input {
            guard let text = try? readTextFile(input), let verdict = try? JSON.parse(Array(text.utf8)) else {
                throw ValidationError("cannot read a verdict from \(input)")
            }
            report = VerdictReport(verdict: verdict)
        } else {
            let base = url ?? getenv("VIDEOMOCK_URL").map { String(cString: $0) } ?? "http://127.0.0.1:8080"
            let query = apiKey.map { "?api_key=" + ($0.addingPercentEscapes) } ?? ""
            report = VerdictReport(
                verdict: try Self.fetchJSON(base, "/__admin/verdict" + query, token: adminToken ?? environmentAdminToken))
            if format == .html {
                report.tasks =
                    (try? Self.fetchJSON(base, "/__admin/tasks" + query, token: adminToken ?? environmentAdminToken))?["tasks"]?
                    .array ?? []
            }
        }
        report.failOn = failOn.rawValue
        let rendered = report.render(format)
        if let output {
            do { try writeFile(output, rendered) } catch { throw ValidationError("cannot write \(output): \(error)") }
        } else {
            print(rendered, terminator: "")
        }
        // A mistyped key, or a suite that never reached the server, must not pass silently.
        if report.verdict["requests"]?.int == 0, !allowEmpty {
            let scope = apiKey.map { "for the key \($0)" } ?? "at all"
            let source = input ?? url ?? "the server"
            printError("verdict: \(source) received no requests \(scope); nothing was judged (--allow-empty passes such a run)")
            throw ExitCode(2)
        }
        if report.isFailing { throw ExitCode(1) }
    }

    /// A JSON answer of the server at `base`.
    static func fetchJSON(_ base: String, _ path: String, token: String?) throws -> JSON {
        let answer: (status: Int, body: [UInt8])
        do { answer = try HTTPGet.fetch(base + path, token: token) } catch { throw ValidationError("cannot reach \(base): \(error)") }
        guard answer.status == 200, let json = try? JSON.parse(answer.body) else {
            throw ValidationError("\(base) answered \(answer.status): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        return json
    }
}

extension VerdictReport.Format: ExpressibleByArgument {}

extension String {
    /// Percent-escaped for a query value.
    var addingPercentEscapes: String {
        var escaped = ""
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                escaped.append(Character(UnicodeScalar(byte)))
            default:
                escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return escaped
    }

    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
