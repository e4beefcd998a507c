import ArgumentParser
import Glibc
import JSON

/// `videomock verdict`: the findings on a client, for a person, with an exit status for CI.
struct VerdictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verdict",
        abstract: "Print the verdict on the client of a running VideoMock; exit 1 when a finding is at or above --fail-on.")

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

    func run() throws {
        let base = url ?? getenv("VIDEOMOCK_URL").map { String(cString: $0) } ?? "http://127.0.0.1:8080"
        let query = apiKey.map { "?api_key=" + ($0.addingPercentEscapes) } ?? ""
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try HTTPGet.fetch(base + "/__admin/verdict" + query, token: adminToken ?? environmentAdminToken)
        } catch {
            throw ValidationError("cannot reach \(base): \(error)")
        }
        guard answer.status == 200, let verdict = try? JSON.parse(answer.body) else {
            throw ValidationError("\(base) answered \(answer.status): \(String(decoding: answer.body.prefix(300), as: UTF8.self))")
        }
        print(Self.describe(verdict))
        // A mistyped key, or a suite that never reached the server, must not pass silently.
        if verdict["requests"]?.int == 0, !allowEmpty {
            let scope = apiKey.map { "for the key \($0)" } ?? "at all"
            printError("videomock verdict: \(base) received no requests \(scope); nothing was judged (--allow-empty passes such a run)")
            throw ExitCode(2)
        }
        let ranks = Threshold.allCases.map(\.rawValue)
        let failing = (verdict["findings"]?.array ?? []).contains { finding in
            guard let severity = finding["severity"]?.string, let rank = ranks.firstIndex(of: severity) else { return false }
            return rank <= ranks.firstIndex(of: failOn.rawValue)!
        }
        if failing { throw ExitCode(1) }
    }

    /// The verdict for a person: a summary line, then each finding with its evidence.
    static func describe(_ verdict: JSON) -> String {
        let findings = verdict["findings"]?.array ?? []
        let counts = [("error", "errors"), ("warning", "warnings"), ("info", "info")].map { severity, plural in
            let count = findings.filter { $0["severity"]?.string == severity }.count
            return "\(count) \(count == 1 ? severity : plural)"
        }
        var lines = [
            "verdict: \(verdict["verdict"]?.string ?? "?") (\(counts.joined(separator: ", "))); "
                + "\(verdict["requests"]?.int ?? 0) requests, \(verdict["tasks"]?.int ?? 0) tasks"
        ]
        for finding in findings {
            let code = finding["code"]?.string ?? "?", severity = finding["severity"]?.string ?? "?"
            let subject = [finding["api_key"]?.string, finding["provider"]?.string, finding["task"]?.string].compactMap { $0 }
            lines.append("")
            lines.append("\(severity.uppercased()) \(code) [\(subject.joined(separator: " "))]")
            lines.append("  \(finding["message"]?.string ?? "")")
            let evidence = finding["evidence"]?.array ?? []
            if let total = finding["evidence_total"]?.int, total > evidence.count {
                lines.append("    (\(evidence.count) of \(total) requests shown: the first and the latest)")
            }
            for evidence in evidence {
                let time = evidence["time"]?.number.map(clockTime) ?? "?"
                let request = "\(evidence["method"]?.string ?? "") \(evidence["path"]?.string ?? "")"
                lines.append("    \(time)  \(request) → \(evidence["status"]?.int ?? 0)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `14:03:07.250` (UTC) for a time in seconds since the epoch.
    static func clockTime(_ seconds: Double) -> String {
        var whole = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        let millis = Int(((seconds - seconds.rounded(.down)) * 1000).rounded(.down))
        func two(_ value: Int32) -> String { String(value).leftPadded(to: 2) }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(String(millis).leftPadded(to: 3))"
    }
}

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
