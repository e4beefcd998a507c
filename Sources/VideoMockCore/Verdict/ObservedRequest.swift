/// One request as the verdict sees it, told by the request pipeline once the reply is known.
package struct ObservedRequest: Sendable {
    /// The key the request belongs to (for a signed link, its task's owner).
    package var key: String
    package var provider: ProviderID
    package var endpoint: Endpoint
    package var method: String
    package var path: String
    package var status: Int
    package var journalID: Int?
    /// Same method, path and body (for creates: the same fields), same fingerprint.
    package var fingerprint: Int
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
        key: String, provider: ProviderID, endpoint: Endpoint, method: String, path: String, status: Int, journalID: Int?,
        fingerprint: Int
    ) {
        self.key = key
        self.provider = provider
        self.endpoint = endpoint
        self.method = method
        self.path = path
        self.status = status
        self.journalID = journalID
        self.fingerprint = fingerprint
    }
}

/// A task as a reply showed it.
package struct TaskView: Sendable {
    package var id: String
    package var owner: String
    package var phase: TaskPhase
    package var isExpired: Bool
    /// Whether its result reaches the client inline (a `data:` URL), so that there is nothing
    /// to download.
    package var deliversInline: Bool

    package init(id: String, owner: String, phase: TaskPhase, isExpired: Bool, deliversInline: Bool) {
        self.id = id
        self.owner = owner
        self.phase = phase
        self.isExpired = isExpired
        self.deliversInline = deliversInline
    }
}
