@_exported import AdminContract
import Foundation

// The admin API's answers (`Health`, `TaskInfo`, `VerdictReport`, ...) are defined once, in
// `AdminContract`, which the server encodes them with; what is here is the client's own.

/// Which journal entries to ask for; every given field must match.
public struct RequestFilter: Sendable, Equatable {
    public var method: String?
    /// A glob over the path: `/v1/videos/*`.
    public var path: String?
    /// `aihubmix`, `mixroute` or `amux`.
    public var provider: String?
    /// `create`, `retrieve`, `content`, `delete`, `list` or `remix`.
    public var endpoint: String?
    /// Entries at or after this clock time.
    public var since: Double?

    public init(method: String? = nil, path: String? = nil, provider: String? = nil, endpoint: String? = nil, since: Double? = nil) {
        self.method = method
        self.path = path
        self.provider = provider
        self.endpoint = endpoint
        self.since = since
    }

    var query: [URLQueryItem] {
        [("method", method), ("path", path), ("provider", provider), ("endpoint", endpoint), ("since", since.map { String($0) })]
            .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
    }
}

/// A refusal of the admin API: its status and message, and for a bad scenario the line and
/// column of what is wrong.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String
    public let type: String?
    public let line: Int?
    public let column: Int?

    init(status: Int, body: Data) {
        let detail = try? JSONDecoder().decode(AdminErrorBody.self, from: body).error
        self.status = status
        message = detail?.message ?? String(decoding: body, as: UTF8.self)
        type = detail?.type
        line = detail?.line
        column = detail?.column
    }

    public var description: String { "admin API answered \(status): \(message)" }
}
