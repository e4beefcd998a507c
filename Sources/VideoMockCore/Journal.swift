import AdminContract
import JSON
import Locking

/// A request's header fields, made into strings only when someone reads them: the journal keeps
/// them as they arrived (the HTTP layer's bytes and ranges), not as strings.
package protocol HeaderFields: Sendable {
    var fields: [(name: String, value: String)] { get }
}

/// One request as the journal keeps it (by reference: recording and evicting one moves a pointer).
package final class JournalEntry: Sendable {
    /// Clock time (seconds since the epoch) when it arrived.
    package let time: Double
    package let method: String
    /// The request target as sent (path and query): kept whole, shared with the request.
    package let target: String
    /// The path part of the target, still percent-encoded.
    package var path: String {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target }
        return String(target[..<mark])
    }
    /// The query string after `?`, if any.
    package var query: String? {
        target.utf8.firstIndex(of: UInt8(ascii: "?")).map { String(target[target.utf8.index(after: $0)...]) }
    }
    package let provider: ProviderID?
    package let endpoint: Endpoint?
    package let apiKey: String?
    package let headers: any HeaderFields
    /// The body as received, cut at the journal's body limit (shared with the request, not copied).
    package let body: ArraySlice<UInt8>
    package let bodySize: Int
    package let status: Int
    /// The scenario rule that applied.
    package let rule: String?
    /// The task the request was about (the one it created, for a create).
    package let task: String?
    /// How long the reply advised waiting before the next status read (`openai-poll-after-ms`).
    package let pollAfterMilliseconds: Int?

    package init(
        time: Double, method: String, target: String, provider: ProviderID?, endpoint: Endpoint?, apiKey: String?,
        headers: any HeaderFields, body: [UInt8], bodyLimit: Int, status: Int, rule: String?, task: String? = nil,
        pollAfterMilliseconds: Int? = nil
    ) {
        self.time = time
        self.method = method
        self.target = target
        self.provider = provider
        self.endpoint = endpoint
        self.apiKey = apiKey
        self.headers = headers
        self.body = body.prefix(bodyLimit)
        self.bodySize = body.count
        self.status = status
        self.rule = rule
        self.task = task
        self.pollAfterMilliseconds = pollAfterMilliseconds
    }

    /// The entry as the admin API shows it, numbered `id`, with the codes of the verdict
    /// findings it took part in; the body as UTF-8 text, or base64 when it is not text.
    package func recorded(id: Int, findings: [String] = []) -> RecordedRequest {
        let text = String(validating: body, as: UTF8.self)
        let headers = Dictionary(self.headers.fields.map { ($0.name, $0.value) }) { "\($0), \($1)" }
        return RecordedRequest(
            id: id, time: time, method: method, path: path, query: query, provider: provider?.rawValue, endpoint: endpoint?.rawValue,
            apiKey: apiKey, headers: headers, body: text ?? Base64.encode(body), bodyEncoding: text == nil ? "base64" : "utf-8",
            bodySize: bodySize, status: status, rule: rule, findings: findings, task: task, pollAfterMs: pollAfterMilliseconds)
    }
}

/// Which journal entries to show; every given field must match.
package struct JournalFilter: Sendable {
    package var method: String?
    /// A glob over the path: `/v1/videos/*`.
    package var path: String?
    package var provider: ProviderID?
    package var endpoint: Endpoint?
    package var apiKey: String?
    /// The task the requests were about.
    package var task: String?
    /// Clock time: entries at or after it.
    package var since: Double?

    package init() {}

    func matches(_ entry: JournalEntry) -> Bool {
        if let method, method.uppercased() != entry.method { return false }
        if let path, !Glob.matches(path, entry.path) { return false }
        if let provider, provider != entry.provider { return false }
        if let endpoint, endpoint != entry.endpoint { return false }
        if let apiKey, apiKey != entry.apiKey { return false }
        if let task, task != entry.task { return false }
        if let since, entry.time < since { return false }
        return true
    }
}

/// The last `capacity` requests, oldest dropped first, so memory stays flat under load.
package final class Journal: Sendable {
    private struct Ring {
        var entries: [(id: Int, entry: JournalEntry)] = []
        var start = 0
        var nextID = 1
        /// Finding codes by entry number, for the entries that took part in one.
        var findings: [Int: [String]] = [:]

        var inOrder: [(id: Int, entry: JournalEntry)] { Array(entries[start...] + entries[..<start]) }
    }

    package let capacity: Int
    /// Bodies are kept up to this many bytes.
    package let bodyLimit: Int
    private let ring = Locked(Ring())

    package init(capacity: Int, bodyLimit: Int = 64 << 10) {
        self.capacity = max(0, capacity)
        self.bodyLimit = bodyLimit
    }

    /// Keeps `entry` and returns its number (nil when the journal keeps nothing).
    @discardableResult
    package func record(_ entry: JournalEntry) -> Int? {
        guard capacity > 0 else { return nil }
        // The entry evicted is released after the lock is let go.
        let (id, evicted): (Int, JournalEntry?) = ring.withLock { ring in
            let numbered = (id: ring.nextID, entry: entry)
            ring.nextID += 1
            if ring.entries.count < capacity {
                ring.entries.append(numbered)
                return (numbered.id, nil)
            }
            let old = ring.entries[ring.start]
            if !ring.findings.isEmpty { ring.findings[old.id] = nil }
            ring.entries[ring.start] = numbered
            ring.start = (ring.start + 1) % capacity
            return (numbered.id, old.entry)
        }
        _ = evicted
        return id
    }

    /// Marks the entries numbered `ids` (those still kept) as part of a finding `code`.
    package func tag(_ ids: [Int], with code: String) {
        guard capacity > 0, !ids.isEmpty else { return }
        ring.withLock { ring in
            let oldest = ring.entries.isEmpty ? Int.max : ring.entries[ring.start].id
            for id in Set(ids) where id >= oldest && ring.findings[id]?.contains(code) != true {
                ring.findings[id, default: []].append(code)
            }
        }
    }

    /// Matching entries with their numbers and finding codes, oldest first.
    package func entries(_ filter: JournalFilter) -> [(id: Int, entry: JournalEntry, findings: [String])] {
        ring.withLock { ring in
            ring.inOrder.filter { filter.matches($0.entry) }.map { ($0.id, $0.entry, ring.findings[$0.id] ?? []) }
        }
    }

    package func count(_ filter: JournalFilter) -> Int {
        ring.withLock { ring in ring.entries.reduce(0) { $0 + (filter.matches($1.entry) ? 1 : 0) } }
    }

    /// Forgets the entries of one key, or (nil) all of them.
    package func clear(apiKey: String?) {
        ring.withLock { ring in
            guard let apiKey else {
                ring = Ring(nextID: ring.nextID)
                return
            }
            ring.entries = ring.inOrder.filter { $0.entry.apiKey != apiKey }
            ring.start = 0
            let kept = Set(ring.entries.map(\.id))
            ring.findings = ring.findings.filter { kept.contains($0.key) }
        }
    }
}
