/// `GET /scenarios`.
public struct ScenarioList: Codable, Sendable {
    public let scenarios: [ScenarioInfo]
    public init(_ scenarios: [ScenarioInfo]) { self.scenarios = scenarios }
}

/// A scenario in force.
public struct ScenarioInfo: Codable, Sendable {
    public let source: String
    /// The key it applies to; nil: everyone.
    public let scope: String?
    public let fromCommandLine: Bool
    public let rules: [Rule]

    public init(source: String, scope: String?, fromCommandLine: Bool, rules: [Rule]) {
        (self.source, self.scope, self.fromCommandLine, self.rules) = (source, scope, fromCommandLine, rules)
    }

    enum CodingKeys: String, CodingKey {
        case source, scope, fromCommandLine = "from_command_line", rules
    }

    /// A rule, with how often it matched and applied; draws and hits for a `chance`, and its
    /// quota's state for a `quota` (left out otherwise).
    public struct Rule: Codable, Sendable {
        public let name: String
        /// Requests that met its conditions, and those it decided.
        public let matched: Int
        public let applied: Int
        public let draws: Int?
        public let hits: Int?
        public let quota: Quota?

        public init(name: String, matched: Int, applied: Int, draws: Int? = nil, hits: Int? = nil, quota: Quota? = nil) {
            (self.name, self.matched, self.applied, self.draws, self.hits, self.quota) = (name, matched, applied, draws, hits, quota)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(matched, forKey: .matched)
            try container.encode(applied, forKey: .applied)
            try container.encode(omittingNil: draws, forKey: .draws)
            try container.encode(omittingNil: hits, forKey: .hits)
            try container.encode(omittingNil: quota, forKey: .quota)
        }
    }

    /// A sliding window of `requests` per `per` seconds, and the requests it refused.
    public struct Quota: Codable, Sendable {
        public let requests: Int
        public let per: Double
        public let window: String
        public let refused: Int
        public let refusedByKey: [String: Int]

        public init(requests: Int, per: Double, refused: Int, refusedByKey: [String: Int]) {
            (self.requests, self.per, window, self.refused, self.refusedByKey) = (requests, per, "sliding", refused, refusedByKey)
        }

        enum CodingKeys: String, CodingKey {
            case requests, per, window, refused, refusedByKey = "refused_by_key"
        }
    }
}

/// `POST /scenarios`: the scenario was loaded for `scope` (nil: everyone).
public struct ScenarioLoaded: Codable, Sendable {
    public let status: String
    public let rules: Int
    public let scope: String?

    public init(rules: Int, scope: String?) { (status, self.rules, self.scope) = ("ok", rules, scope) }
}
