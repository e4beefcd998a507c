import JSON

/// The verdict as a person, a program, a CI test report or a browser reads it, rendered from the
/// verdict document `GET /__admin/verdict` answers (or the pytest plugin writes, where each
/// finding also names its test). One renderer for `videomock verdict --format`, `serve
/// --verdict-report` and the plugin's report option.
struct VerdictReport {
    enum Format: String, CaseIterable {
        case text, json, junit, html

        /// The format a report file's name asks for: `.json`, `.xml` (JUnit), `.html`, `.txt`.
        init?(fileName: String) {
            let lowered = fileName.lowercased()
            if lowered.hasSuffix(".json") {
                self = .json
            } else if lowered.hasSuffix(".xml") {
                self = .junit
            } else if lowered.hasSuffix(".html") || lowered.hasSuffix(".htm") {
                self = .html
            } else if lowered.hasSuffix(".txt") {
                self = .text
            } else {
                return nil
            }
        }
    }

    /// The severities, least first, as `--fail-on` names them.
    static let severities = ["info", "warning", "error"]

    let verdict: JSON
    /// The tasks as `GET /__admin/tasks` lists them, for the HTML report's timelines (may be empty).
    var tasks: [JSON] = []
    /// The lowest severity that fails.
    var failOn = "error"

    var findings: [JSON] { verdict["findings"]?.array ?? [] }

    /// Whether a finding is at or above `failOn`.
    func fails(_ finding: JSON) -> Bool {
        let rank = Self.severities.firstIndex(of: finding["severity"]?.string ?? "") ?? -1
        return rank >= (Self.severities.firstIndex(of: failOn) ?? 2)
    }

    var isFailing: Bool { findings.contains(where: fails) }

    func render(_ format: Format) -> String {
        switch format {
        case .text: text
        case .json: String(decoding: verdict.bytes, as: UTF8.self) + "\n"
        case .junit: junit
        case .html: html
        }
    }

    /// `3 of 101 requests shown` when the evidence was cut, else nil.
    static func evidenceNote(_ finding: JSON) -> String? {
        let shown = finding["evidence"]?.array?.count ?? 0
        guard let total = finding["evidence_total"]?.int, total > shown else { return nil }
        return "\(shown) of \(total) requests shown: the first and the latest"
    }

    /// `METHOD PATH → STATUS` of one piece of evidence.
    static func request(_ evidence: JSON) -> String {
        "\(evidence["method"]?.string ?? "") \(evidence["path"]?.string ?? "") → \(evidence["status"]?.int ?? 0)"
    }
}
