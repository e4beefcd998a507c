import JSON

/// A request's parameters, flattened by its provider: each value with the label the client
/// wrote it under (`seconds`, `extra_body.ratio`, `--ratio in the prompt`) for error messages.
public struct ParameterSet: Sendable {
    public struct Entry: Sendable {
        public var name: String
        public var value: JSON
        public var label: String
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Adds a parameter; a later value of the same name replaces an earlier one.
    public mutating func set(_ name: String, _ value: JSON, label: String? = nil) {
        let entry = Entry(name: name, value: value, label: label ?? name)
        if let index = entries.firstIndex(where: { $0.name == name }) { entries[index] = entry } else { entries.append(entry) }
    }

    public subscript(name: String) -> Entry? { entries.first { $0.name == name } }

    public func contains(_ name: String) -> Bool { self[name] != nil }
}
