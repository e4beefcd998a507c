import JSON

/// What `videomock drift` found: per provider, endpoint and model, how many recorded replies
/// were compared and how they differ from VideoMock's; and the models no catalog has.
package struct DriftReport: Sendable {
    package struct Row: Sendable {
        package var provider: String
        package var endpoint: String
        package var model: String
        package var compared = 0
        /// Each difference once, with the task states it was seen in.
        package var differences: [(difference: Difference, states: [String])] = []

        package init(provider: String, endpoint: String, model: String) {
            self.provider = provider
            self.endpoint = endpoint
            self.model = model
        }
    }

    package var file: String
    package var exchanges = 0
    package var rows: [Row] = []
    package var unknownModels: [(provider: String, model: String)] = []
    /// Recorded exchanges that could not be compared, and why.
    package var skipped: [String] = []

    package init(file: String) { self.file = file }

    package var differenceCount: Int { rows.reduce(0) { $0 + $1.differences.count } + unknownModels.count }
    package var hasDrift: Bool { differenceCount > 0 }

    /// Counts one comparison and adds its differences (each once per row).
    package mutating func add(provider: String, endpoint: String, model: String, state: String, _ differences: [Difference]) {
        let index =
            rows.firstIndex { $0.provider == provider && $0.endpoint == endpoint && $0.model == model }
            ?? {
                rows.append(Row(provider: provider, endpoint: endpoint, model: model))
                return rows.count - 1
            }()
        rows[index].compared += 1
        for difference in differences {
            if let known = rows[index].differences.firstIndex(where: { $0.difference == difference }) {
                if !rows[index].differences[known].states.contains(state) { rows[index].differences[known].states.append(state) }
            } else {
                rows[index].differences.append((difference, [state]))
            }
        }
    }

    package var json: JSON {
        [
            "file": .string(file), "exchanges": .int(exchanges), "drift": .bool(hasDrift), "differences": .int(differenceCount),
            "rows": .array(
                rows.map { row in
                    [
                        "provider": .string(row.provider), "endpoint": .string(row.endpoint), "model": .string(row.model),
                        "compared": .int(row.compared),
                        "differences": .array(
                            row.differences.map { entry in
                                var json = entry.difference.json
                                if case .object(var object) = json {
                                    object["states"] = .array(entry.states.map(JSON.string))
                                    json = .object(object)
                                }
                                return json
                            }),
                    ]
                }),
            "unknown_models": .array(unknownModels.map { ["provider": .string($0.provider), "model": .string($0.model)] }),
            "skipped": .array(skipped.map(JSON.string)),
        ]
    }

    /// A table per provider, endpoint and model, each difference under its row.
    package var text: String {
        var lines = ["drift: \(file): \(exchanges) recorded exchanges"]
        let widths = (
            max(8, rows.map(\.provider.count).max() ?? 0), max(8, rows.map(\.endpoint.count).max() ?? 0),
            max(5, rows.map(\.model.count).max() ?? 0)
        )
        func pad(_ text: String, _ width: Int) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        lines.append("\(pad("provider", widths.0))  \(pad("endpoint", widths.1))  \(pad("model", widths.2))  compared  differences")
        for row in rows {
            lines.append(
                "\(pad(row.provider, widths.0))  \(pad(row.endpoint, widths.1))  \(pad(row.model, widths.2))  "
                    + "\(pad(String(row.compared), 8))  \(row.differences.count)")
            for entry in row.differences {
                lines.append("    - \(entry.difference.message) [\(entry.states.joined(separator: ", "))]")
            }
        }
        for unknown in unknownModels { lines.append("unknown model: \(unknown.provider) \(unknown.model) is in no catalog") }
        for reason in skipped { lines.append("not compared: \(reason)") }
        lines.append(hasDrift ? "drift: \(differenceCount) difference\(differenceCount == 1 ? "" : "s")" : "no drift")
        return lines.joined(separator: "\n")
    }
}
