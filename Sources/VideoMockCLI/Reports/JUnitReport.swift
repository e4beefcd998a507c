import JSON

extension VerdictReport {
    /// JUnit XML, as Jenkins, GitLab and GitHub's test-report actions read it: one testsuite
    /// `videomock.verdict`, one testcase per code the judge applied, a failure for each code with
    /// findings at or above `failOn` (listing them with their evidence), the counts as properties.
    var junit: String {
        let judged = (verdict["judged"]?.array ?? []).compactMap(\.string)
        let failing = judged.filter { code in findings.contains { $0["code"]?.string == code && fails($0) } }
        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += #"<testsuites name="videomock" tests="\#(judged.count)" failures="\#(failing.count)">"# + "\n"
        xml += #"  <testsuite name="videomock.verdict" tests="\#(judged.count)" failures="\#(failing.count)" errors="0" skipped="0">"#
        xml += "\n    <properties>\n"
        var properties = [("verdict", verdict["verdict"]?.string ?? ""), ("fail_on", failOn)]
        properties += [("requests", "\(verdict["requests"]?.int ?? 0)"), ("tasks", "\(verdict["tasks"]?.int ?? 0)")]
        for (code, count) in (verdict["counts"]?.object ?? [:]) { properties.append(("count.\(code)", "\(count.int ?? 0)")) }
        for (name, value) in properties {
            xml += #"      <property name="\#(Self.xmlEscaped(name))" value="\#(Self.xmlEscaped(value))"/>"# + "\n"
        }
        xml += "    </properties>\n"
        for code in judged {
            let found = findings.filter { $0["code"]?.string == code }
            xml += #"    <testcase classname="videomock.verdict" name="\#(code)">"#
            if failing.contains(code) {
                let bad = found.filter(fails)
                let severity = bad.first?["severity"]?.string ?? ""
                let message = "\(code) failed (\(bad.count)): \(bad.first?["message"]?.string ?? "")"
                xml += "\n      " + #"<failure type="\#(severity)" message="\#(Self.xmlEscaped(message))">"#
                xml += Self.xmlEscaped(bad.map(Self.describe).joined(separator: "\n\n")) + "</failure>\n    "
            } else if !found.isEmpty {
                xml += "\n      <system-out>" + Self.xmlEscaped(found.map(Self.describe).joined(separator: "\n\n")) + "</system-out>\n    "
            }
            xml += "</testcase>\n"
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }

    /// One finding and its evidence, as plain lines.
    static func describe(_ finding: JSON) -> String {
        let subject = [finding["test"]?.string, finding["api_key"]?.string, finding["provider"]?.string, finding["task"]?.string]
            .compactMap { $0 }.joined(separator: " ")
        var lines = ["\((finding["severity"]?.string ?? "").uppercased()) [\(subject)] \(finding["message"]?.string ?? "")"]
        if let note = evidenceNote(finding) { lines.append("  (\(note))") }
        for evidence in finding["evidence"]?.array ?? [] {
            lines.append("  \(evidence["time"]?.number.map(clockTime) ?? "?")  \(request(evidence))")
        }
        return lines.joined(separator: "\n")
    }

    static func xmlEscaped(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&apos;"
            case "\n", "\t": escaped.unicodeScalars.append(character)
            // XML 1.0 has no other control characters.
            case let scalar where scalar.value < 0x20: escaped += " "
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
