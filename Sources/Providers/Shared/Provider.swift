import HTTPServer
import JSON
import VideoMockCore

/// What a request asks of a provider, in the words scenarios and the journal use.
public enum Endpoint: String, Sendable, CaseIterable {
    case create, retrieve, content, delete, list, remix
}

/// A request that reached a provider route, authenticated.
public struct ProviderRequest: Sendable {
    public var http: HTTPRequest
    /// The bearer token: tasks belong to it.
    public var apiKey: String
    /// The path prefix the client used (`/aihubmix/v1` or `/v1`), for URLs in replies.
    public var basePath: String

    public init(http: HTTPRequest, apiKey: String, basePath: String) {
        self.http = http
        self.apiKey = apiKey
        self.basePath = basePath
    }

    public func parameter(_ name: String) -> String { http.pathParameters[name] ?? "" }

    /// An absolute URL for `path` under this request's base path, on the host the client called.
    public func absoluteURL(_ path: String) -> String {
        "http://\(http.headers["Host"] ?? "127.0.0.1")\(basePath)\(path)"
    }
}

/// One route of a provider: a method and a path under its `/v1`.
public struct ProviderRoute: Sendable {
    public var method: String
    /// The path after the version prefix, e.g. `/videos/{id}/content`.
    public var path: String
    public var endpoint: Endpoint
    public var handler: @Sendable (ProviderRequest) -> HTTPResponse

    public init(_ method: String, _ path: String, _ endpoint: Endpoint, _ handler: @escaping @Sendable (ProviderRequest) -> HTTPResponse) {
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.handler = handler
    }
}

/// A gateway VideoMock emulates: its routes and its error envelope.
public protocol Provider: Sendable {
    /// The path prefix and catalog name (`aihubmix`).
    var name: String { get }
    var routes: [ProviderRoute] { get }
    /// An error in this provider's envelope.
    func render(_ error: APIError) -> HTTPResponse
}
