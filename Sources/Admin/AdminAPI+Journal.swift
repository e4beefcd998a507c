import AdminContract
import HTTPServer
import JSON
import VideoMockCore

extension AdminAPI {
    /// The journal filter a query asks for; every given field must match.
    func filter(_ request: HTTPRequest) throws(AdminError) -> JournalFilter {
        let query = request.query
        var filter = JournalFilter()
        filter.method = query["method"]
        filter.path = query["path"]
        filter.provider = try choice(ProviderID.self, "provider", in: query)
        filter.endpoint = try choice(Endpoint.self, "endpoint", in: query)
        filter.apiKey = query["api_key"]
        filter.task = query["task"]
        if let since = query["since"] {
            guard let value = Double(since) else { throw AdminError(400, "'since' must be a Unix time in seconds, got '\(since)'.") }
            filter.since = value
        }
        return filter
    }

    func requests(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        let entries = engine.journal.entries(try filter(request))
        return .answer(RequestPage(entries.map { $0.entry.recorded(id: $0.id, findings: $0.findings) }))
    }

    func countRequests(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        .answer(Count(engine.journal.count(try filter(request))))
    }

    func clearRequests(_ request: HTTPRequest) -> HTTPResponse {
        engine.journal.clear(apiKey: request.query["api_key"])
        return .answer(Done())
    }

    /// A query parameter that names one of a closed set of words, or a 400 listing them.
    private func choice<Choice: RawRepresentable & CaseIterable>(
        _ type: Choice.Type, _ name: String, in query: [String: String]
    ) throws(AdminError) -> Choice? where Choice.RawValue == String {
        guard let text = query[name] else { return nil }
        guard let value = Choice(rawValue: text) else {
            throw AdminError(400, "Unknown \(name) '\(text)'; expected one of: \(Choice.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return value
    }
}
