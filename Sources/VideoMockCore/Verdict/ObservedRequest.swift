/// One request as the verdict sees it, told by the request pipeline once the reply is known.
package struct ObservedRequest: Sendable {
    /// The key the request belongs to (for a signed link, its task's owner).
    package var key: String
    package var provider: ProviderID
    package var endpoint: Endpoint
    package var method: String
    package var path: Substring
    /// The request target, query included.
    package var target: String
    package var body: [UInt8]
    package var status: Int
    package var journalID: Int?
    /// Given for requests whose sameness is not their bytes (a create's fields); nil: method,
    /// target and body, hashed only when a rule needs it.
    package var fields: [UInt8]?
    /// Seconds the reply asked the client to wait (`Retry-After`, `retry-after-ms`).
    package var retryAfter: Double?
    /// Seconds the reply advised until the next status read (`openai-poll-after-ms`); nil when
    /// the provider advises none.
    package var pollAfter: Double?
    /// The task the request is about, as it stood when the reply was made.
    package var task: TaskView?
    /// A content request for the video itself (not a thumbnail or spritesheet).
    package var fetchesVideo = false

    package init(
        key: String, provider: ProviderID, endpoint: Endpoint, method: String, target: String, path: Substring, body: [UInt8],
        status: Int, journalID: Int?
    ) {
        self.key = key
        self.provider = provider
        self.endpoint = endpoint
        self.method = method
        self.target = target
        self.path = path
        self.body = body
        self.status = status
        self.journalID = journalID
    }

    /// The same request sent again has the same fingerprint: method, target and body (or the
    /// fields given for it).
    var fingerprint: Int {
        var hasher = Hasher()
        hasher.combine(method)
        hasher.combine(target)
        (fields ?? body).withUnsafeBytes { hasher.combine(bytes: $0) }
        return hasher.finalize()
    }
}

/// A task as a reply showed it.
package struct TaskView: Sendable {
    package var id: String
    /// Its place in the store, which tells it apart more cheaply than its id.
    package var sequence: Int
    package var owner: String
    package var phase: TaskPhase
    package var isExpired: Bool
    /// Whether its result reaches the client inline (a `data:` URL), so that there is nothing
    /// to download.
    package var deliversInline: Bool
    /// Whether it sat in the last step of a timeline that ends short of an end: from then on it
    /// should have finished, and never will.
    package var isStuck = false

    package init(id: String, sequence: Int, owner: String, phase: TaskPhase, isExpired: Bool, deliversInline: Bool) {
        self.id = id
        self.sequence = sequence
        self.owner = owner
        self.phase = phase
        self.isExpired = isExpired
        self.deliversInline = deliversInline
    }
}
