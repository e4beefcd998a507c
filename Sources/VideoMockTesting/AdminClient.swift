import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A typed client of VideoMock's admin API (`/__admin`), for a server in this process or one
/// started elsewhere (`AdminClient(url: URL(string: "http://127.0.0.1:8080")!)`). With an API key
/// (`scoped(to:)`), every call that the admin API scopes (reset, clock, scenarios, journal,
/// tasks) is about that key only.
public struct AdminClient: Sendable {
    /// The server's root URL: `http://HOST:PORT`.
    public let url: URL
    /// The key calls are scoped to; nil: the whole server.
    public let apiKey: String?
    /// The `--admin-token`, when the server asks for one.
    public let token: String?

    public init(url: URL, apiKey: String? = nil, token: String? = nil) {
        self.url = url
        self.apiKey = apiKey
        self.token = token
    }

    /// The same client, scoped to `apiKey`.
    public func scoped(to apiKey: String) -> AdminClient { AdminClient(url: url, apiKey: apiKey, token: token) }

    // MARK: Health, reset, clock

    public func health() async throws -> Health { try await call("GET", "health", scoped: false) }

    /// Tasks, journal and scenarios loaded over the admin API go; the clock returns to the
    /// server's start (scoped: that key's go, and its clock returns to the server's time).
    public func reset() async throws { let _: Done = try await call("POST", "reset") }

    public func clock() async throws -> ClockState { try await call("GET", "clock") }

    /// The clock's time now, in seconds since the epoch.
    public func now() async throws -> Double { try await clock().now }

    /// Moves the clock forward (scoped: only this key's).
    @discardableResult
    public func advance(by seconds: Double) async throws -> ClockState {
        try await call("POST", "clock/advance", body: ["seconds": seconds])
    }

    /// Sets the clock (scoped: only this key's) to `epoch` seconds.
    @discardableResult
    public func setTime(to epoch: Double) async throws -> ClockState {
        try await call("POST", "clock/set", body: ["now": epoch])
    }

    // MARK: Scenarios

    /// Loads a YAML or JSON scenario, replacing the one loaded before for the same scope.
    /// A bad one throws `AdminError` with its line and column; the rules in force stay.
    @discardableResult
    public func loadScenario(_ yaml: String) async throws -> Int {
        let loaded: ScenarioLoaded = try await call("POST", "scenarios", raw: Data(yaml.utf8))
        return loaded.rules
    }

    /// Loads a scenario file.
    @discardableResult
    public func loadScenario(contentsOf file: URL) async throws -> Int {
        try await loadScenario(String(contentsOf: file, encoding: .utf8))
    }

    public func clearScenarios() async throws { let _: Done = try await call("DELETE", "scenarios") }

    /// The scenarios in force (for the key, when scoped), with how often each rule matched and applied.
    public func scenarios() async throws -> [ScenarioInfo] {
        let list: ScenarioList = try await call("GET", "scenarios")
        return list.scenarios
    }

    // MARK: Verdict

    /// How the client (of the key, when scoped) polled, retried and downloaded so far.
    public func verdict() async throws -> VerdictReport { try await call("GET", "verdict") }

    // MARK: Journal

    /// The requests the server received that match `filter`, oldest first.
    public func requests(_ filter: RequestFilter = .init()) async throws -> [RecordedRequest] {
        let page: RequestPage = try await call("GET", "requests", query: filter.query)
        return page.requests
    }

    public func count(_ filter: RequestFilter = .init()) async throws -> Int {
        let count: Count = try await call("GET", "requests/count", query: filter.query)
        return count.count
    }

    public func clearRequests() async throws { let _: Done = try await call("DELETE", "requests") }

    // MARK: Tasks

    public func tasks() async throws -> [TaskInfo] {
        let list: TaskList = try await call("GET", "tasks")
        return list.tasks
    }

    public func task(_ id: String) async throws -> TaskInfo { try await call("GET", "tasks/\(escaped(id))", scoped: false) }

    /// Completes a task now, whatever its timeline said.
    @discardableResult
    public func complete(_ id: String) async throws -> TaskInfo {
        try await call("POST", "tasks/\(escaped(id))/complete", scoped: false)
    }

    /// Fails a task now with `code` and `message`.
    @discardableResult
    public func fail(_ id: String, code: String = "generation_failed", message: String = "Video generation failed") async throws
        -> TaskInfo
    {
        try await call("POST", "tasks/\(escaped(id))/fail", body: ["code": code, "message": message], scoped: false)
    }

    // MARK: Recording and replay

    /// What `--record` has written (`active` false without it).
    public func recording() async throws -> RecordingSummary { try await call("GET", "recording", scoped: false) }

    /// How `--replay` has matched (`active` false without it).
    public func replay() async throws -> ReplaySummary { try await call("GET", "replay", scoped: false) }

    // MARK: Transport

    private func call<Answer: Decodable>(
        _ method: String, _ path: String, query: [URLQueryItem] = [], body: [String: any Sendable]? = nil, raw: Data? = nil,
        scoped: Bool = true
    ) async throws -> Answer {
        var components = URLComponents(url: url.appendingPathComponent("__admin/\(path)"), resolvingAgainstBaseURL: false)!
        var items = query
        if scoped, let apiKey { items.append(URLQueryItem(name: "api_key", value: apiKey)) }
        components.percentEncodedQuery = items.isEmpty ? nil : Self.encode(items)
        var request = URLRequest(url: components.url!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = try JSONSerialization.data(withJSONObject: body) }
        if let raw { request.httpBody = raw }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else { throw AdminError(status: status, body: data) }
        return try Self.decoder.decode(Answer.self, from: data)
    }

    private func escaped(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }

    /// Query items with `+` and `&` in values escaped too (URLComponents leaves `+` alone).
    private static func encode(_ items: [URLQueryItem]) -> String {
        let allowed = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "+&="))
        return items.map { item in
            "\(item.name)=\((item.value ?? "").addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }

    static let decoder = JSONDecoder()
}
