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
    /// How a task this request creates should live, as the scenarios decided.
    public var plan: SharedPlan?
    /// The body's fields, once parsed (see `parseBody`).
    private var parsedBody: Result<JSONObject, APIError>?

    public init(http: HTTPRequest, apiKey: String, basePath: String, plan: SharedPlan? = nil) {
        self.http = http
        self.apiKey = apiKey
        self.basePath = basePath
        self.plan = plan
    }

    public func parameter(_ name: String) -> String { http.pathParameters[name] ?? "" }

    /// Parses the body now and keeps the result, so that whoever reads `fields()` next (scenario
    /// matching, then the provider) does not parse it again.
    public mutating func parseBody() {
        if parsedBody == nil { parsedBody = Result { () throws(APIError) in try RequestBody.fields(of: http) } }
    }

    /// The body's fields: the kept parse, or a parse now.
    public func fields() throws(APIError) -> JSONObject {
        if let parsedBody { return try parsedBody.get() }
        return try RequestBody.fields(of: http)
    }

    /// `http://HOST`, the host the client called.
    public var origin: String { "http://\(http.headers["Host"] ?? "127.0.0.1")" }

    /// An absolute URL for `path` under this request's base path, on the host the client called.
    public func absoluteURL(_ path: String) -> String { origin + basePath + path }
}

/// One route of a provider: a method and a path under its `/v1`.
public struct ProviderRoute: Sendable {
    public var method: String
    /// The path after the version prefix, e.g. `/videos/{id}/content`.
    public var path: String
    public var endpoint: Endpoint
    /// Served at `/{provider}{path}` without an API key (signed download links), instead of
    /// `/{provider}/v1{path}` behind one.
    public var isPublic: Bool
    public var handler: @Sendable (ProviderRequest) -> HTTPResponse

    public init(
        _ method: String, _ path: String, _ endpoint: Endpoint, isPublic: Bool = false,
        _ handler: @escaping @Sendable (ProviderRequest) -> HTTPResponse
    ) {
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.isPublic = isPublic
        self.handler = handler
    }
}

/// A gateway VideoMock emulates: its routes and its error envelope.
public protocol Provider: Sendable {
    /// The path prefix and catalog name (`aihubmix`).
    var name: String { get }
    var engine: Engine { get }
    /// This provider's models (fixed once the server starts).
    var catalog: Catalog { get }
    var routes: [ProviderRoute] { get }
    /// What the provider calls a task in messages ("video", "task").
    var noun: String { get }
    /// An error in this provider's envelope.
    func render(_ error: APIError) -> HTTPResponse
}

extension Provider {
    /// The catalog for `name` in `engine`, for providers to keep.
    static func catalog(_ name: String, in engine: Engine) -> Catalog {
        engine.catalogs[name] ?? Catalog(provider: name, models: [])
    }

    /// The OpenAI-style envelope most gateways share.
    public func render(_ error: APIError) -> HTTPResponse {
        .json(error.openAIEnvelope, status: error.status, headers: error.headers)
    }

    /// A route handler that renders thrown errors in this provider's envelope.
    func reply(_ handler: @escaping @Sendable (ProviderRequest) throws(APIError) -> HTTPResponse) -> @Sendable (ProviderRequest) -> HTTPResponse {
        { request in
            do throws(APIError) { return try handler(request) } catch { return render(error) }
        }
    }

    /// Runs an engine call, turning its task errors into this provider's API errors.
    func task<T>(_ body: () throws(TaskError) -> T) throws(APIError) -> T {
        do { return try body() } catch { throw APIError(error, noun: noun) }
    }

    /// The catalog entry for `modelID`, or a 400 listing the models there are.
    func model(_ modelID: String, label: String = "model") throws(APIError) -> ModelSpec {
        guard let model = catalog.model(modelID) else {
            throw APIError.invalid(
                "Unknown model '\(modelID)': it is not a video model of this API. Available video models: \(catalog.modelIDs.joined(separator: ", ")).",
                param: label, code: "model_not_found")
        }
        return model
    }

    /// Validates the parameters against the model's catalog entry.
    func validate(_ parameters: ParameterSet, for model: ModelSpec) throws(APIError) -> TaskSpec {
        do { return try model.validate(parameters, knownParameters: catalog.knownParameters) } catch { throw APIError(error) }
    }

    /// The model and prompt a request is about, for scenario rules: from the body of a create,
    /// from the task named in the path otherwise (a remix's prompt is its new one).
    public func subject(of request: ProviderRequest, endpoint: Endpoint) -> (model: String?, prompt: String?) {
        let fields = endpoint == .create || endpoint == .remix ? (try? request.fields()) : nil
        let bodyPrompt = fields?["prompt"]?.string
            ?? fields?["metadata"]?["content"]?.array?.first { $0["type"] == "text" }?["text"]?.string
        if endpoint == .create { return (fields?["model"]?.string, bodyPrompt) }
        guard var id = request.http.pathParameters.values.first else { return (nil, nil) }
        if id.hasSuffix(".mp4") { id.removeLast(4) }
        let task = engine.subject(provider: name, id: id)
        return (task?.model, endpoint == .remix ? bodyPrompt : task?.prompt)
    }

    /// A random seed for results that report one, reproducible under `--seed`.
    func randomSeed() -> Int { Int(engine.ids.next() % 4_294_967_295) }
}
