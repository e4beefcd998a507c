import JSON
import Synchronization

/// One request as the journal keeps it.
public struct JournalEntry: Sendable {
    public var id: Int
    /// Clock time (seconds since the epoch) when it arrived.
    public var time: Double
    public var method: String
    public var path: String
    public var query: String?
    public var provider: String?
    public var endpoint: String?
    public var apiKey: String?
    public var headers: [(name: String, value: String)]
    /// The body as received, cut at the journal's body limit (shared with the request, not copied).
    public var body: ArraySlice<UInt8>
    public var bodySize: Int
    public var status: Int
    /// The scenario rule that applied.
    public var rule: String?

    public init(
        time: Double, method: String, path: String, query: String?, provider: String?, endpoint: String?, apiKey: String?,
        headers: [(name: String, value: String)], body: [UInt8], bodyLimit: Int, status: Int, rule: String?
    ) {
        self.id = 0
        self.time = time
        self.method = method
        self.path = path
        self.query = query
        self.provider = provider
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.headers = headers
        self.body = body.prefix(bodyLimit)
        bodySize = body.count
        self.status = status
        self.rule = rule
    }

    /// The body as JSON: UTF-8 text, or base64 when it is not text.
    public var json: JSON {
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
        var entries: [JournalEntry] = []
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
        var entry = entry
        ring.withLock { ring in
            entry.id = ring.nextID
            ring.nextID += 1
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.start] = entry
                ring.start = (ring.start + 1) % capacity
            }
        }
    }

    /// Matching entries, oldest first.
    public func entries(_ filter: JournalFilter) -> [JournalEntry] {
        ring.withLock { ring in
            (ring.entries[ring.start...] + ring.entries[..<ring.start]).filter(filter.matches)
        }
    }

    public func count(_ filter: JournalFilter) -> Int {
        ring.withLock { ring in ring.entries.reduce(0) { $0 + (filter.matches($1) ? 1 : 0) } }
    }

    /// Forgets the entries of one key, or (nil) all of them.
    public func clear(apiKey: String?) {
        ring.withLock { ring in
            guard let apiKey else {
                ring.entries = []
                ring.start = 0
                return
            }
            ring.entries = (ring.entries[ring.start...] + ring.entries[..<ring.start]).filter { $0.apiKey != apiKey }
            ring.start = 0
        }
    }
}
