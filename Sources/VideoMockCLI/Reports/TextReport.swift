import Glibc
import JSON

extension VerdictReport {
    /// For a person: a summary line, then each finding with its evidence.
    var text: String {
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
            let subject = [finding["test"]?.string, finding["api_key"]?.string, finding["provider"]?.string, finding["task"]?.string]
                .compactMap { $0 }
            lines.append("")
            lines.append("\(severity.uppercased()) \(code) [\(subject.joined(separator: " "))]")
            lines.append("  \(finding["message"]?.string ?? "")")
            if let note = Self.evidenceNote(finding) { lines.append("    (\(note))") }
            for evidence in finding["evidence"]?.array ?? [] {
                lines.append("    \(evidence["time"]?.number.map(Self.clockTime) ?? "?")  \(Self.request(evidence))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
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
