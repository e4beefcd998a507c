import JSON

extension VerdictReport {
    /// One self-contained page (no script, no external resource), readable offline as a CI
    /// artifact: the summary, each finding with its evidence, and a timeline per task drawn as
    /// inline SVG: the task's states when the server still knew it, and the requests that took part.
    var html: String {
        let outcome = verdict["verdict"]?.string ?? "?"
        var page = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>VideoMock verdict: \(outcome)</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1d2330; }
            h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
            .verdict { padding: .1em .5em; border-radius: 4px; color: #fff; }
            .pass { background: #2e7d32; } .warn { background: #b26a00; } .fail { background: #c62828; }
            table { border-collapse: collapse; } td, th { padding: .25em .7em; border-bottom: 1px solid #dde; text-align: left; }
            .finding { border-left: 4px solid #889; padding: .3em .8em; margin: .8em 0; background: #f6f7fa; }
            .finding.error { border-color: #c62828; } .finding.warning { border-color: #b26a00; } .finding.info { border-color: #1565c0; }
            code, .evidence { font-family: ui-monospace, monospace; font-size: 12.5px; }
            .lane text { font: 11px ui-monospace, monospace; }
            </style></head><body>
            <h1>VideoMock verdict: <span class="verdict \(outcome)">\(outcome)</span></h1>

            """
        page += "<p>\(verdict["requests"]?.int ?? 0) requests, \(verdict["tasks"]?.int ?? 0) tasks; failing at \(Self.html(failOn))"
        page += " or above.</p>\n<table><tr><th>code</th><th>findings</th></tr>\n"
        for (code, count) in (verdict["counts"]?.object ?? [:]) {
            page += "<tr><td><a href=\"#\(Self.html(code))\">\(Self.html(code))</a></td><td>\(count.int ?? 0)</td></tr>\n"
        }
        page += "</table>\n"
        for severity in Self.severities.reversed() {
            let these = findings.filter { $0["severity"]?.string == severity }
            guard !these.isEmpty else { continue }
            page += "<h2>\(severity == "info" ? "Info" : severity.capitalized + "s") (\(these.count))</h2>\n"
            for finding in these { page += findingHTML(finding) }
        }
        let lanes = timelines
        if !lanes.isEmpty { page += "<h2>Tasks</h2>\n" + lanes }
        return page + "</body></html>\n"
    }

    private func findingHTML(_ finding: JSON) -> String {
        let code = finding["code"]?.string ?? "?"
        let subject = [finding["test"]?.string, finding["api_key"]?.string, finding["provider"]?.string, finding["task"]?.string]
            .compactMap { $0 }.joined(separator: " ")
        var block = "<div class=\"finding \(Self.html(finding["severity"]?.string ?? ""))\" id=\"\(Self.html(code))\">"
        block += "<b>\(Self.html(code))</b> <code>\(Self.html(subject))</code><br>\(Self.html(finding["message"]?.string ?? ""))"
        block += "<div class=\"evidence\">"
        if let note = Self.evidenceNote(finding) { block += "(\(Self.html(note)))<br>" }
        for evidence in finding["evidence"]?.array ?? [] {
            block += "\(evidence["time"]?.number.map(Self.clockTime) ?? "?")&nbsp; \(Self.html(Self.request(evidence)))<br>"
        }
        return block + "</div></div>\n"
    }

    /// A lane per task that findings name: its states (when known) and the requests in evidence.
    private var timelines: String {
        var order: [String] = []
        var marks: [String: [(time: Double, label: String, status: Int, code: String)]] = [:]
        for finding in findings {
            guard let task = finding["task"]?.string else { continue }
            if marks[task] == nil { order.append(task) }
            for evidence in finding["evidence"]?.array ?? [] {
                guard let time = evidence["time"]?.number else { continue }
                let mark = (time, Self.request(evidence), evidence["status"]?.int ?? 0, finding["code"]?.string ?? "")
                if !(marks[task]?.contains { $0.time == mark.0 && $0.label == mark.1 } ?? false) { marks[task, default: []].append(mark) }
            }
        }
        guard !order.isEmpty else { return "" }
        let known = Dictionary(tasks.compactMap { task in task["id"]?.string.map { ($0, task) } }, uniquingKeysWith: { first, _ in first })
        var times = marks.values.flatMap { $0.map(\.time) }
        for id in order {
            if let task = known[id] { times += [task["created_at"], task["completed_at"]].compactMap { $0?.number } }
        }
        let start = times.min() ?? 0, end = max(times.max() ?? 1, start + 1)
        let width = 900.0, left = 170.0, laneHeight = 34.0
        func x(_ time: Double) -> Double { left + (time - start) / (end - start) * (width - left - 10) }
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(Double(order.count) * laneHeight + 24))\">\n"
        for (index, id) in order.enumerated() {
            let top = Double(index) * laneHeight + 4
            svg += "<g class=\"lane\"><text x=\"0\" y=\"\(top + 20)\">\(Self.html(String(id.prefix(22))))</text>"
            if let task = known[id], let created = task["created_at"]?.number {
                let finished = task["completed_at"]?.number ?? end
                svg += Self.span(x(created), x(finished), top, "#90a4c8", task["status"]?.string ?? "")
                if task["status"] == "completed" { svg += Self.span(x(finished), x(end), top, "#81c784", "completed") }
                if task["status"] == "failed" { svg += Self.span(x(finished), x(end), top, "#e57373", "failed") }
            }
            for mark in marks[id] ?? [] {
                let color = mark.status >= 400 ? "#c62828" : "#1d2330"
                let at = x(mark.time)
                svg += "<line x1=\"\(at)\" x2=\"\(at)\" y1=\"\(top + 2)\" y2=\"\(top + 28)\" stroke=\"\(color)\" stroke-width=\"2\">"
                svg += "<title>\(Self.html("\(Self.clockTime(mark.time)) \(mark.label) (\(mark.code))"))</title></line>"
            }
            svg += "</g>\n"
        }
        svg += "<text x=\"\(left)\" y=\"\(Double(order.count) * laneHeight + 20)\" font-size=\"11\">\(Self.clockTime(start))</text>"
        svg += "<text x=\"\(width - 90)\" y=\"\(Double(order.count) * laneHeight + 20)\" font-size=\"11\">\(Self.clockTime(end))</text>"
        return svg + "</svg>\n"
    }

    private static func span(_ from: Double, _ to: Double, _ top: Double, _ color: String, _ label: String) -> String {
        "<rect x=\"\(from)\" y=\"\(top + 8)\" width=\"\(max(1, to - from))\" height=\"14\" fill=\"\(color)\">"
            + "<title>\(html(label))</title></rect>"
    }

    static func html(_ text: String) -> String { xmlEscaped(text) }
}
