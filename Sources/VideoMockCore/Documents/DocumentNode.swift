import JSON
import Yams

/// A YAML (or JSON) document as a tree whose nodes remember where they were written,
/// so that every complaint about a file can say `FILE:LINE:COLUMN: what is wrong`.
package struct DocumentNode: Sendable {
    package enum Value: Sendable {
        /// `plain` is false for quoted scalars, which are always strings.
        case scalar(String, plain: Bool)
        case mapping([(key: String, node: DocumentNode)])
        case sequence([DocumentNode])
    }

    package let value: Value
    package let file: String
    package let line: Int
    package let column: Int
    /// Where the key that introduced this node was written, for a node that is a mapping's value.
    private let keyLine: Int?, keyColumn: Int?

    /// Parses YAML (JSON is YAML too). `file` names the source in error messages.
    package static func parse(yaml text: String, file: String) throws(DocumentError) -> DocumentNode {
        let composed: Node?
        do {
            // Scalars are typed here, by how each is used, so Yams resolves no tags: its default
            // resolver's regular expressions would load ICU and cost megabytes of memory.
            composed = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw DocumentError(yamlError: error, file: file)
        } catch {
            throw DocumentError(file: file, line: 1, column: 1, message: "\(error)")
        }
        guard let composed else { throw DocumentError(file: file, line: 1, column: 1, message: "the document is empty") }
        return try DocumentNode(composed, file: file)
    }

    private init(_ node: Node, file: String, key: Node? = nil) throws(DocumentError) {
        self.file = file
        line = node.mark?.line ?? 1
        column = node.mark?.column ?? 1
        keyLine = key?.mark?.line
        keyColumn = key?.mark?.column
        switch node {
        case .scalar(let scalar):
            value = .scalar(scalar.string, plain: scalar.style == .plain || scalar.style == .any)
        case .sequence(let sequence):
            var items: [DocumentNode] = []
            for item in sequence { items.append(try DocumentNode(item, file: file)) }
            value = .sequence(items)
        case .mapping(let mapping):
            var entries: [(key: String, node: DocumentNode)] = []
            for (key, item) in mapping {
                guard let name = key.scalar?.string else {
                    throw DocumentError(
                        file: file, line: key.mark?.line ?? line, column: key.mark?.column ?? column, message: "keys must be plain strings")
                }
                if entries.contains(where: { $0.key == name }) {
                    throw DocumentError(
                        file: file, line: key.mark?.line ?? line, column: key.mark?.column ?? column, message: "duplicate key '\(name)'")
                }
                entries.append((key: name, node: try DocumentNode(item, file: file, key: key)))
            }
            value = .mapping(entries)
        case .alias:
            throw DocumentError(file: file, line: line, column: column, message: "YAML aliases are not supported here")
        }
    }

    /// A plain `~`, `null` or empty scalar.
    package var isNull: Bool {
        if case .scalar(let text, plain: true) = value { return text == "~" || text == "null" || text.isEmpty }
        return false
    }

    package func error(_ message: String) -> DocumentError {
        DocumentError(file: file, line: line, column: column, message: message)
    }

    /// A complaint about the key this node is the value of, located at the key.
    package func keyError(_ message: String) -> DocumentError {
        DocumentError(file: file, line: keyLine ?? line, column: keyColumn ?? column, message: message)
    }
}

/// A complaint about a document, located as `FILE:LINE:COLUMN`.
package struct DocumentError: Error, Sendable, CustomStringConvertible, Equatable {
    package let file: String
    package let line: Int
    package let column: Int
    package let message: String

    package init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(yamlError: YamlError, file: String) {
        switch yamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            self.init(file: file, line: mark.line, column: mark.column, message: problem)
        default:
            self.init(file: file, line: 1, column: 1, message: "\(yamlError)")
        }
    }

    package var description: String { "\(file):\(line):\(column): \(message)" }
}

// MARK: Typed access

extension DocumentNode {
    /// The entries of a mapping whose keys must all be in `allowed`.
    package func mapping(allowing allowed: [String]? = nil, _ what: String = "a mapping") throws(DocumentError) -> [(
        key: String, node: DocumentNode
    )] {
        guard case .mapping(let entries) = value else { throw error("expected \(what)") }
        if let allowed {
            for entry in entries where !allowed.contains(entry.key) {
                throw entry.node.keyError("unknown key '\(entry.key)'; expected one of: \(allowed.joined(separator: ", "))")
            }
        }
        return entries
    }

    /// The value of `key` in a mapping, if present.
    package subscript(key: String) -> DocumentNode? {
        guard case .mapping(let entries) = value else { return nil }
        return entries.first { $0.key == key }?.node
    }

    package func sequence(_ what: String = "a list") throws(DocumentError) -> [DocumentNode] {
        guard case .sequence(let items) = value else { throw error("expected \(what)") }
        return items
    }

    package func string(_ what: String = "a string") throws(DocumentError) -> String {
        guard case .scalar(let text, _) = value else { throw error("expected \(what)") }
        return text
    }

    package func int(_ what: String = "an integer") throws(DocumentError) -> Int {
        guard case .scalar(let text, _) = value, let int = Int(text) else { throw error("expected \(what)") }
        return int
    }

    package func double(_ what: String = "a number") throws(DocumentError) -> Double {
        guard case .scalar(let text, _) = value, let number = Double(text) else { throw error("expected \(what)") }
        return number
    }

    /// One of an enumeration's words, or an error naming the word and every allowed one.
    package func choice<Choice: RawRepresentable & CaseIterable>(
        of type: Choice.Type, _ what: String = "value"
    ) throws(DocumentError) -> Choice where Choice.RawValue == String {
        let text = try string()
        guard let choice = Choice(rawValue: text) else {
            throw error("unknown \(what) '\(text)'; expected one of: \(Choice.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    package func bool() throws(DocumentError) -> Bool {
        guard case .scalar(let text, _) = value else { throw error("expected true or false") }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got '\(text)'")
        }
    }

    /// A duration such as `250ms`, `2s`, `5m`, `24h`, `30d` (a bare number is seconds), in seconds.
    package func duration() throws(DocumentError) -> Double {
        guard case .scalar(let text, _) = value, let seconds = parseDuration(text) else {
            throw error("expected a duration such as 250ms, 2s, 5m, 24h or 30d (at most 100 years)")
        }
        return seconds
    }

    /// The node as JSON: plain scalars become numbers, booleans and null where they read as such.
    package var json: JSON {
        switch value {
        case .scalar(let text, let plain):
            guard plain else { return .string(text) }
            if let int = Int(text) { return .int(int) }
            if let double = Double(text), text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .double(double) }
            switch text {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null", "~", "": return .null
            default: return .string(text)
            }
        case .sequence(let items): return .array(items.map(\.json))
        case .mapping(let entries): return .object(JSONObject(entries.map { (key: $0.key, value: $0.node.json) }))
        }
    }
}

/// Seconds in `250ms`, `2s`, `1.5s`, `5m`, `24h`, `30d`, or a bare number of seconds; at most
/// 100 years, so that every time derived from one stays exact.
package func parseDuration(_ text: String) -> Double? {
    let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
    let trimmed = String(text.trimmingSpaces())
    var seconds: Double?
    if let unit = units.first(where: { trimmed.hasSuffix($0.suffix) && Double(trimmed.dropLast($0.suffix.count)) != nil }) {
        seconds = Double(trimmed.dropLast(unit.suffix.count)).map { $0 * unit.seconds }
    } else {
        seconds = Double(trimmed)
    }
    guard let seconds, seconds >= 0, seconds <= maximumDuration else { return nil }
    return seconds
}

/// Bytes in `50MB`, `256KiB`, `1.5GB`, `512` (decimal units KB, MB, GB; binary KiB, MiB, GiB).
package func parseByteCount(_ text: String) -> Int? {
    let units: [(suffix: String, bytes: Double)] = [
        ("KiB", 1024), ("MiB", 1_048_576), ("GiB", 1_073_741_824), ("KB", 1000), ("MB", 1_000_000), ("GB", 1_000_000_000), ("B", 1),
    ]
    let trimmed = String(text.trimmingSpaces())
    let unit = units.first { trimmed.hasSuffix($0.suffix) }
    guard let number = Double(trimmed.dropLast(unit?.suffix.count ?? 0).trimmingSpaces()), number >= 0,
        number * (unit?.bytes ?? 1) <= 1_099_511_627_776
    else { return nil }
    return Int((number * (unit?.bytes ?? 1)).rounded())
}

/// The longest duration a catalog or scenario may give: 100 years.
package let maximumDuration: Double = 100 * 365 * 86400

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (byte-level: it runs on every request).
    func trimmingSpaces() -> Substring {
        let text = Substring(self)
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        guard let first = text.utf8.firstIndex(where: { !isSpace($0) }), let last = text.utf8.lastIndex(where: { !isSpace($0) }) else {
            return text[text.endIndex...]
        }
        return text[first...last]
    }
}
