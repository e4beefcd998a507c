import JSON
import Synchronization

/// A scenario file (version 1): lifecycle defaults and rules that script tasks and replies.
public struct Scenario: Sendable {
    public struct Defaults: Sendable, Equatable {
        public var queued: Double?
        public var rendering: Double?
        public var expiresAfter: Double?

        public init(queued: Double? = nil, rendering: Double? = nil, expiresAfter: Double? = nil) {
            self.queued = queued
            self.rendering = rendering
            self.expiresAfter = expiresAfter
        }
    }

    public var source: String
    public var defaults: Defaults
    public var rules: [Rule]

    public init(source: String, defaults: Defaults = .init(), rules: [Rule] = []) {
        self.source = source
        self.defaults = defaults
        self.rules = rules
    }
}

/// One rule: when a request matches, what happens instead of (or to) the normal reply.
public struct Rule: Sendable {
    public var name: String
    public var when: Condition
    /// The created task's states, instead of queued then rendering.
    public var timeline: [Timeline.Step]?
    public var outcome: Outcome?
    public var respond: Reply?
    public var result: ResultOptions?

    public init(name: String, when: Condition = .init(), timeline: [Timeline.Step]? = nil, outcome: Outcome? = nil, respond: Reply? = nil, result: ResultOptions? = nil) {
        self.name = name
        self.when = when
        self.timeline = timeline
        self.outcome = outcome
        self.respond = respond
        self.result = result
    }
}

/// What a request must be for a rule to apply; every given key must hold.
public struct Condition: Sendable {
    public var provider: String?
    public var endpoint: String?
    /// A glob: `kling-*`, `veo-3.?-*`.
    public var model: String?
    public var promptContains: String?
    public var promptMatches: PromptPattern?
    public var apiKey: String?
    public var headers: [(name: String, value: String)] = []
    /// Only the Nth request that meets the other conditions (1-based)...
    public var nth: Int?
    /// ...or every Nth one.
    public var every: Int?

    public init() {}

    /// Whether the request meets every condition but `nth` and `every`.
    func holds(for request: RequestFacts) -> Bool {
        if let provider, provider != request.provider { return false }
        if let endpoint, endpoint != request.endpoint { return false }
        if let model, !(request.model.map { Glob.matches(model, $0) } ?? false) { return false }
        if let promptContains, !(request.prompt?.contains(promptContains) ?? false) { return false }
        if let promptMatches, !(request.prompt.map(promptMatches.matches) ?? false) { return false }
        if let apiKey, apiKey != request.apiKey { return false }
        for header in headers {
            guard let value = request.headers.first(where: { $0.name.lowercased() == header.name.lowercased() })?.value, value == header.value
            else { return false }
        }
        return true
    }
}

/// A direct reply scripted by a rule.
public struct Reply: Sendable {
    /// nil: the normal reply, only delayed (or broken by `fault`).
    public var status: Int?
    public var headers: [(name: String, value: String)] = []
    /// JSON, or text; nil: the provider's error envelope for `status`.
    public var body: JSON?
    /// Seconds to wait before answering.
    public var delay: Double = 0
    /// `reset`, `empty` or `truncate`.
    public var fault: String?

    public init() {}
}

/// Options for a created task's result.
public struct ResultOptions: Sendable, Equatable {
    public var expiresAfter: Double?
    /// Mixroute: `data` (a data: URL) or `link` (a signed link).
    public var url: String?

    public init(expiresAfter: Double? = nil, url: String? = nil) {
        self.expiresAfter = expiresAfter
        self.url = url
    }
}

/// What the scenario engine knows of a request when it picks a rule.
public struct RequestFacts: Sendable {
    public var provider: String
    public var endpoint: String
    public var apiKey: String
    public var headers: [(name: String, value: String)]
    /// The model and prompt of the request body (create) or of the task it names.
    public var model: String?
    public var prompt: String?

    public init(provider: String, endpoint: String, apiKey: String, headers: [(name: String, value: String)], model: String? = nil, prompt: String? = nil) {
        self.provider = provider
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.headers = headers
        self.model = model
        self.prompt = prompt
    }
}

/// A `prompt_matches` regular expression, kept with its source text. `Regex` is not Sendable,
/// so the compiled expression is only used under a lock.
public final class PromptPattern: Sendable {
    public let source: String
    private let regex: Mutex<Regex<AnyRegexOutput>>

    public init(_ source: String) throws {
        self.source = source
        regex = Mutex(try Regex(source))
    }

    func matches(_ text: String) -> Bool { regex.withLock { text.contains($0) } }
}

/// `*` any run of characters, `?` any one character; everything else literal.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
