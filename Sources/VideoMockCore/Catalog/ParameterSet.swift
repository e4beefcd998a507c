import JSON

/// A request's parameters, flattened by its provider: each value with the label the client
/// wrote it under (`seconds`, `extra_body.ratio`, `--ratio in the prompt`) for error messages.
package struct ParameterSet: Sendable {
    package struct Entry: Sendable {
        package var name: String
        package var value: JSON
        package var label: String
    }

    package private(set) var entries: [Entry] = []

    package init() {}

    /// Room for `count` parameters without growing.
    package init(capacity: Int) { entries.reserveCapacity(capacity) }

    /// Adds a parameter; a later value of the same name replaces an earlier one.
    package mutating func set(_ name: String, _ value: JSON, label: String? = nil) {
        let entry = Entry(name: name, value: value, label: label ?? name)
        if let index = entries.firstIndex(where: { $0.name.isKey(name) }) { entries[index] = entry } else { entries.append(entry) }
    }

    package subscript(name: String) -> Entry? { entries.first { $0.name.isKey(name) } }

    package func contains(_ name: String) -> Bool { self[name] != nil }
}
