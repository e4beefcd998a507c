import JSON

/// What a request must be for a rule to apply; every given key must hold.
///
/// Counting, when several keys are given: every request that meets the matching keys (provider
/// to `query`) is counted by the rule. `after: N` skips the first N of them; `nth` and `every`
/// then count from there; `chance` draws for each request still in; `times: N` stops the rule
/// once it has decided N requests.
package struct Condition: Sendable {
    package var provider: ProviderID?
    package var endpoint: Endpoint?
    /// A glob: `kling-*`, `veo-3.?-*`.
    package var model: String?
    package var promptContains: String?
    package var promptMatches: PromptPattern?
    package var apiKey: String?
    package var headers: [(name: String, value: String)] = []
    /// Conditions on the body's fields (JSON or form) and on the query's parameters.
    package var body: [FieldCondition] = []
    package var query: [FieldCondition] = []
    /// Only the Nth request that meets the other conditions (1-based)...
    package var nth: Int?
    /// ...or every Nth one.
    package var every: Int?
    /// Skip the first N requests that meet the other conditions.
    package var after: Int?
    /// Decide at most N requests.
    package var times: Int?
    /// Decide this fraction of the requests that get this far, drawn from a seeded generator.
    package var chance: Double?

    package init() {}

    /// Whether the request meets every matching condition (the counting ones aside).
    func holds(for request: RequestFacts) -> Bool {
        if let provider, provider != request.provider { return false }
        if let endpoint, endpoint != request.endpoint { return false }
        if let model, !(request.model.map { Glob.matches(model, $0) } ?? false) { return false }
        if let promptContains, !(request.prompt?.contains(promptContains) ?? false) { return false }
        if let promptMatches, !(request.prompt.map(promptMatches.matches) ?? false) { return false }
        if let apiKey, apiKey != request.apiKey { return false }
        for header in headers {
            guard let value = request.headers.first(where: { $0.name.lowercased() == header.name.lowercased() })?.value,
                value == header.value
            else { return false }
        }
        if !body.isEmpty {
            let fields = JSON.object(request.fields ?? [:])
            guard body.allSatisfy({ $0.holds(for: fields) }) else { return false }
        }
        if !query.isEmpty {
            let parameters = JSON.object(JSONObject(request.query.map { (key: $0.key, value: JSON.string($0.value)) }))
            guard query.allSatisfy({ $0.holds(for: parameters) }) else { return false }
        }
        return true
    }

    /// Whether the request counted as the `count`th passes `after`, `nth` and `every`.
    func counts(_ count: Int) -> Bool {
        let position = count - (after ?? 0)
        guard position >= 1 else { return false }
        if let nth { return position == nth }
        if let every { return position % every == 0 }
        return true
    }
}

/// A condition on one field: `metadata.content[0].type: image_url`, `seconds: "1?"` (a glob),
/// or `size: { present: false }`.
package struct FieldCondition: Sendable {
    package enum Expectation: Sendable {
        /// The field's value, as text, matches this glob (`8` matches both 8 and "8").
        case matches(String)
        case present(Bool)
    }

    /// How the path was written, for messages.
    package var path: String
    package var steps: [FieldPath.Step]
    package var expectation: Expectation

    func holds(for document: JSON) -> Bool {
        let value = FieldPath.value(at: steps, in: document)
        switch expectation {
        case .present(let wanted): return (value != nil && value != .null) == wanted
        case .matches(let pattern):
            guard let value, let text = FieldPath.text(of: value) else { return false }
            return Glob.matches(pattern, text)
        }
    }
}

/// `metadata.content[0].type`: keys and indices into a JSON value.
package enum FieldPath {
    package enum Step: Sendable, Equatable {
        case key(String)
        case index(Int)
    }

    /// The steps of a path, or nil when it is not one (an empty key, an unclosed bracket).
    package static func parse(_ path: String) -> [Step]? {
        var steps: [Step] = []
        for part in path.split(separator: ".", omittingEmptySubsequences: false) {
            var rest = Substring(part)
            let name = rest.prefix { $0 != "[" }
            rest = rest.dropFirst(name.count)
            if !name.isEmpty { steps.append(.key(String(name))) } else if steps.isEmpty || rest.isEmpty { return nil }
            while !rest.isEmpty {
                guard rest.first == "[", let close = rest.firstIndex(of: "]"),
                    let index = Int(rest[rest.index(after: rest.startIndex)..<close]), index >= 0
                else { return nil }
                steps.append(.index(index))
                rest = rest[rest.index(after: close)...]
            }
        }
        return steps.isEmpty ? nil : steps
    }

    static func value(at steps: [Step], in document: JSON) -> JSON? {
        var current = document
        for step in steps {
            switch step {
            case .key(let key):
                guard let next = current[key] else { return nil }
                current = next
            case .index(let index):
                guard let items = current.array, index < items.count else { return nil }
                current = items[index]
            }
        }
        return current
    }

    /// A scalar as text: strings as they are, numbers and booleans as JSON writes them.
    static func text(of value: JSON) -> String? {
        switch value {
        case .string(let text): text
        case .int, .double, .bool: String(decoding: value.bytes, as: UTF8.self)
        default: nil
        }
    }
}
