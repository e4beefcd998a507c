import JSON
import Locking

/// A scenario file (version 1): lifecycle defaults and rules that script tasks and replies.
package struct Scenario: Sendable {
    package struct Defaults: Sendable, Equatable {
        package var queued: Double?
        package var rendering: Double?
        package var expiresAfter: Double?

        package init(queued: Double? = nil, rendering: Double? = nil, expiresAfter: Double? = nil) {
            self.queued = queued
            self.rendering = rendering
            self.expiresAfter = expiresAfter
        }
    }

    package var source: String
    package var defaults: Defaults
    package var rules: [Rule]
    /// The file's `verdict:` section: thresholds and codes left out.
    package var verdict: VerdictSettings.Change?
    /// Seeds this file's `chance:` draws (else `--seed`, else a random seed).
    package var seed: UInt64?

    package init(source: String, defaults: Defaults = .init(), rules: [Rule] = [], verdict: VerdictSettings.Change? = nil) {
        self.source = source
        self.defaults = defaults
        self.rules = rules
        self.verdict = verdict
    }
}

/// One rule: when a request matches, what happens instead of (or to) the normal reply.
package struct Rule: Sendable {
    package var name: String
    package var when: Condition
    /// The created task's states, instead of queued then rendering.
    package var timeline: [Timeline.Step]?
    package var outcome: Outcome?
    package var respond: Reply?
    package var result: ResultOptions?
    /// Requests beyond it, per key, get 429 until the window frees.
    package var quota: Quota?

    package init(
        name: String, when: Condition = .init(), timeline: [Timeline.Step]? = nil, outcome: Outcome? = nil, respond: Reply? = nil,
        result: ResultOptions? = nil, quota: Quota? = nil
    ) {
        self.quota = quota
        self.name = name
        self.when = when
        self.timeline = timeline
        self.outcome = outcome
        self.respond = respond
        self.result = result
    }
}

/// A direct reply scripted by a rule.
package struct Reply: Sendable {
    /// nil: the normal reply, only delayed (or broken by `fault`).
    package var status: Int?
    package var headers: [(name: String, value: String)] = []
    /// JSON, or text; nil: the provider's error envelope for `status`.
    package var body: JSON?
    /// Seconds to wait before answering.
    package var delay: Double = 0
    package var fault: ReplyFault?
    /// Downloads: the body trickles at this many bytes a second...
    package var throttle: Int?
    /// ...stops there (the connection closes though the length promised more)...
    package var cut: ReplyCut?
    /// ...or is a video whose every frame fails to decode.
    package var corrupt = false

    package init() {}
}

extension Reply {
    /// A quota's refusal: 429 in the provider's envelope, saying when the window frees.
    static func quotaExceeded(retryAfter seconds: Double) -> Reply {
        var reply = Reply()
        reply.status = 429
        reply.headers = [
            ("Retry-After", String(Int(seconds.rounded(.up)))), ("retry-after-ms", String(Int((seconds * 1000).rounded(.up)))),
        ]
        return reply
    }
}

/// Options for a created task's result.
package struct ResultOptions: Sendable, Equatable {
    package var expiresAfter: Double?
    /// How the result's URL is given, where a provider offers a choice.
    package var delivery: ResultDelivery?
    /// Pad the video to about this many bytes (a `free` box: it stays valid and playable).
    package var bytes: Int?

    package init(expiresAfter: Double? = nil, delivery: ResultDelivery? = nil, bytes: Int? = nil) {
        self.expiresAfter = expiresAfter
        self.delivery = delivery
        self.bytes = bytes
    }
}

/// How a finished task's video is handed over in a status reply that carries a URL: a signed,
/// expiring download link, or the whole file inline as a `data:video/mp4;base64,...` URL.
/// Providers whose documentation shows both (Mixroute: links, and data URLs for Veo) honour it.
package enum ResultDelivery: String, Sendable, CaseIterable {
    case link, data
}

/// What the scenario engine knows of a request when it picks a rule.
package struct RequestFacts: Sendable {
    package var provider: ProviderID
    package var endpoint: Endpoint
    package var apiKey: String
    package var headers: [(name: String, value: String)]
    /// The model and prompt of the request body (create) or of the task it names.
    package var model: String?
    package var prompt: String?
    /// The request body's fields (creates and remixes, JSON or form alike), for `body:` conditions.
    package var fields: JSONObject?
    /// The query parameters, for `query:` conditions.
    package var query: [String: String] = [:]
    /// When it arrived, on its key's clock (quotas count on it).
    package var time: Double = 0

    package init(
        provider: ProviderID, endpoint: Endpoint, apiKey: String, headers: [(name: String, value: String)], model: String? = nil,
        prompt: String? = nil
    ) {
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
package final class PromptPattern: Sendable {
    package let source: String
    private let regex: Locked<Regex<AnyRegexOutput>>

    package init(_ source: String) throws {
        self.source = source
        regex = Locked(try Regex(source))
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
