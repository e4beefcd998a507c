/// `GET /requests`.
public struct RequestPage: Codable, Sendable {
    public let requests: [RecordedRequest]
    public let count: Int
    public init(_ requests: [RecordedRequest]) { (self.requests, count) = (requests, requests.count) }
}

/// One request as the journal kept it.
public struct RecordedRequest: Codable, Sendable {
    public let id: Int
    /// Clock time (of the request's key) when it arrived.
    public let time: Double
    public let method: String
    public let path: String
    public let query: String?
    public let provider: String?
    public let endpoint: String?
    public let apiKey: String?
    /// Names as sent; a name sent more than once has its values joined by ", ".
    public let headers: [String: String]
    /// UTF-8 text, or base64 when `bodyEncoding` says so; cut at the journal's body limit.
    public let body: String
    /// `utf-8` or `base64`.
    public let bodyEncoding: String
    public let bodySize: Int
    public let status: Int
    /// The scenario rule that decided the reply.
    public let rule: String?
    /// The verdict's findings this request took part in.
    public let findings: [String]
    /// The task it was about.
    public let task: String?
    /// The poll advice its reply gave (`openai-poll-after-ms`).
    public let pollAfterMs: Int?

    public init(
        id: Int, time: Double, method: String, path: String, query: String?, provider: String?, endpoint: String?, apiKey: String?,
        headers: [String: String], body: String, bodyEncoding: String, bodySize: Int, status: Int, rule: String?, findings: [String],
        task: String?, pollAfterMs: Int?
    ) {
        (self.id, self.time, self.method, self.path, self.query, self.provider) = (id, time, method, path, query, provider)
        (self.endpoint, self.apiKey, self.headers, self.body, self.bodyEncoding) = (endpoint, apiKey, headers, body, bodyEncoding)
        (self.bodySize, self.status, self.rule, self.findings, self.task, self.pollAfterMs) = (
            bodySize, status, rule, findings, task, pollAfterMs
        )
    }

    enum CodingKeys: String, CodingKey {
        case id, time, method, path, query, provider, endpoint, apiKey = "api_key", headers, body, bodyEncoding = "body_encoding"
        case bodySize = "body_size", status, rule, findings, task, pollAfterMs = "poll_after_ms"
    }
}
