import JSON

// What the admin API (`/__admin`) answers, defined once: the server encodes these and
// `VideoMockTesting` decodes them. Fields are snake_case on the wire; every field a type lists is
// present, `null` when it has no value, unless its `encode(to:)` says otherwise.

/// `GET /health`.
public struct Health: Codable, Sendable, Equatable {
    public let status: String
    public let version: String

    public init(status: String = "ok", version: String) {
        self.status = status
        self.version = version
    }
}

/// `{"status": "ok"}`: what a change answers when it has nothing else to say.
public struct Done: Codable, Sendable, Equatable {
    public let status: String
    public init() { status = "ok" }
}

/// A count: of requests in the journal, or of tasks.
public struct Count: Codable, Sendable, Equatable {
    public let count: Int
    public init(_ count: Int) { self.count = count }
}

/// The clock as the server, or one key, sees it.
public struct ClockState: Codable, Sendable, Equatable {
    /// `real` or `manual`.
    public let mode: String
    /// Seconds since the epoch.
    public let now: Double
    public let timeScale: Double
    /// For a key's clock: the key, and how far it runs ahead of the server's (left out for the
    /// server's clock).
    public let apiKey: String?
    public let offset: Double?

    public init(mode: String, now: Double, timeScale: Double, apiKey: String? = nil, offset: Double? = nil) {
        (self.mode, self.now, self.timeScale, self.apiKey, self.offset) = (mode, now, timeScale, apiKey, offset)
    }

    enum CodingKeys: String, CodingKey {
        case mode, now, timeScale = "time_scale", apiKey = "api_key", offset
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mode, forKey: .mode)
        try container.encode(now, forKey: .now)
        try container.encode(timeScale, forKey: .timeScale)
        try container.encode(omittingNil: apiKey, forKey: .apiKey)
        try container.encode(omittingNil: offset, forKey: .offset)
    }
}

/// An admin refusal: `{"error": {"message", "type", "line"?, "column"?}}`.
public struct AdminErrorBody: Codable, Sendable, Equatable {
    public struct Detail: Codable, Sendable, Equatable {
        public let message: String
        /// `admin_error`, or `invalid_scenario` with the line and column of what is wrong.
        public let type: String
        public let line: Int?
        public let column: Int?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(message, forKey: .message)
            try container.encode(type, forKey: .type)
            try container.encode(omittingNil: line, forKey: .line)
            try container.encode(omittingNil: column, forKey: .column)
        }
    }

    public let error: Detail

    public init(message: String, type: String = "admin_error", line: Int? = nil, column: Int? = nil) {
        error = Detail(message: message, type: type, line: line, column: column)
    }
}

extension KeyedEncodingContainer {
    /// `value` under `key`, or nothing at all when it is nil (the answers' encoder writes a nil
    /// it is given as `null`).
    mutating func encode(omittingNil value: (some Encodable)?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) }
    }
}
