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
        var hash = Fingerprint()
        hash.add(method)
        hash.add(target)
        (fields ?? body).withUnsafeBytes { hash.add($0) }
        return Int(truncatingIfNeeded: hash.value)
    }
}

/// A 64-bit hash of bytes, eight at a time (multiply and fold): the verdict compares requests by
/// it within one run, where the seeded `Hasher` costs four times as much a byte.
struct Fingerprint {
    private(set) var value: UInt64 = 0x243F_6A88_85A3_08D3

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { add(UnsafeRawBufferPointer($0)) }
    }

    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index + 8 <= bytes.count {
            mix(bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self))
            index += 8
        }
        var last: UInt64 = 0
        while index < bytes.count {
            last = last << 8 | UInt64(bytes[index])
            index += 1
        }
        // The length closes each part, so that the same bytes split differently differ.
        mix(last)
        mix(UInt64(bytes.count))
    }

    private mutating func mix(_ word: UInt64) {
        value = (value ^ word) &* 0x9E37_79B9_7F4A_7C15
        value ^= value >> 29
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
