import JSON
import Synchronization

/// One request as the journal keeps it (by reference: recording and evicting one moves a pointer).
public final class JournalEntry: Sendable {
    /// Clock time (seconds since the epoch) when it arrived.
    public let time: Double
    public let method: String
    public let path: String
    public let query: String?
    public let provider: String?
    public let endpoint: String?
    public let apiKey: String?
    public let headers: [(name: String, value: String)]
    /// The body as received, cut at the journal's body limit (shared with the request, not copied).
    public let body: ArraySlice<UInt8>
    public let bodySize: Int
    public let status: Int
    /// The scenario rule that applied.
    public let rule: String?

    public init(
        time: Double, method: String, path: String, query: String?, provider: String?, endpoint: String?, apiKey: String?,
        headers: [(name: String, value: String)], body: [UInt8], bodyLimit: Int, status: Int, rule: String?
    ) {
        self.time = time
        self.method = method
        self.path = path
        self.query = query
        self.provider = provider
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.headers = headers
        self.body = body.prefix(bodyLimit)
        self.bodySize = body.count
        self.status = status
        self.rule = rule
    }

    /// The entry as JSON, numbered `id`; the body as UTF-8 text, or base64 when it is not text.
    public func json(id: Int) -> JSON {
        let text = String(validating: body, as: UTF8.self)
        return [
            "id": .int(id), "time": .double(time), "method": .string(method), "path": .string(path), "query": JSON(query),
            "provider": JSON(provider), "endpoint": JSON(endpoint), "api_key": JSON(apiKey),
            "headers": .object(JSONObject(headers.map { (key: $0.name, value: JSON.string($0.value)) })),
            "body": .string(text ?? Base64.encode(body)), "body_encoding": .string(text == nil ? "base64" : "utf-8"), "body_size": .int(bodySize),
            "status": .int(status), "rule": JSON(rule),
        ]
    }
}

/// Which journal entries to show; every given field must match.
public struct JournalFilter: Sendable {
    public var method: String?
    /// A glob over the path: `/v1/videos/*`.
    public var path: String?
    public var provider: String?
    public var endpoint: String?
    public var apiKey: String?
    /// Clock time: entries at or after it.
    public var since: Double?

    public init() {}

    func matches(_ entry: JournalEntry) -> Bool {
        if let method, method.uppercased() != entry.method { return false }
        if let path, !Glob.matches(path, entry.path) { return false }
        if let provider, provider != entry.provider { return false }
        if let endpoint, endpoint != entry.endpoint { return false }
        if let apiKey, apiKey != entry.apiKey { return false }
        if let since, entry.time < since { return false }
        return true
    }
}

/// The last `capacity` requests, oldest dropped first, so memory stays flat under load.
public final class Journal: Sendable {
    private struct Ring {
        var entries: [(id: Int, entry: JournalEntry)] = []
        var start = 0
        var nextID = 1
    }

    public let capacity: Int
    /// Bodies are kept up to this many bytes.
    public let bodyLimit: Int
    private let ring = Mutex(Ring())

    public init(capacity: Int, bodyLimit: Int = 64 << 10) {
        self.capacity = max(0, capacity)
        self.bodyLimit = bodyLimit
    }

    public func record(_ entry: JournalEntry) {
        guard capacity > 0 else { return }
        // The entry evicted is released after the lock is let go.
        let evicted: JournalEntry? = ring.withLock { ring in
            let numbered = (id: ring.nextID, entry: entry)
            ring.nextID += 1
            if ring.entries.count < capacity {
                ring.entries.append(numbered)
                return nil
            }
            let old = ring.entries[ring.start].entry
            ring.entries[ring.start] = numbered
            ring.start = (ring.start + 1) % capacity
            return old
        }
        _ = evicted
    }

    /// Matching entries with their numbers, oldest first.
    public func entries(_ filter: JournalFilter) -> [(id: Int, entry: JournalEntry)] {
        ring.withLock { ring in
            (ring.entries[ring.start...] + ring.entries[..<ring.start]).filter { filter.matches($0.entry) }
        }
    }

    public func count(_ filter: JournalFilter) -> Int {
        ring.withLock { ring in ring.entries.reduce(0) { $0 + (filter.matches($1.entry) ? 1 : 0) } }
    }

    /// Forgets the entries of one key, or (nil) all of them.
    public func clear(apiKey: String?) {
        ring.withLock { ring in
            guard let apiKey else {
                ring.entries = []
                ring.start = 0
                return
            }
            ring.entries = (ring.entries[ring.start...] + ring.entries[..<ring.start]).filter { $0.entry.apiKey != apiKey }
            ring.start = 0
        }
    }
}
