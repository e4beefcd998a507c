import HTTPServer
import JSON
import VideoMockCore

/// `"id":"`, how OpenAI-style replies name their object.
private let idKey = Array(#""id":""#.utf8)

/// A request that reached a provider route, authenticated.
package struct ProviderRequest: Sendable {
    package var http: HTTPRequest
    /// The bearer token: tasks belong to it.
    package var apiKey: String
    /// The path prefix the client used (`/aihubmix/v1` or `/v1`), for URLs in replies.
    package var basePath: String
    /// How a task this request creates should live, as the scenarios decided.
    package var plan: SharedPlan?
    /// A scenario asked for this download's video to be damaged (`respond: { corrupt: true }`).
    package var corruptMedia: Bool
    /// The body's fields, once parsed (see `parseBody`); held by reference, so that the request
    /// stays small to copy (an error's envelope is large).
    private var parsedBody: ParsedBody?

    private final class ParsedBody: Sendable {
        let fields: Result<JSONObject, APIError>
        init(_ fields: Result<JSONObject, APIError>) { self.fields = fields }
    }

    package init(http: consuming HTTPRequest, apiKey: String, basePath: String, plan: SharedPlan? = nil) {
        self.http = http
        self.apiKey = apiKey
        self.basePath = basePath
        self.plan = plan
        corruptMedia = false
        parsedBody = nil
    }

    /// The value of path parameter `{name}`, a slice of the path.
    package func parameter(_ name: String) -> Substring { http.pathParameters[name] ?? "" }

    /// Parses the body now and keeps the result, so that whoever reads `fields()` next (scenario
    /// matching, then the provider) does not parse it again.
    package mutating func parseBody() {
        if parsedBody == nil { parsedBody = ParsedBody(Result { () throws(APIError) in try RequestBody.fields(of: http) }) }
    }

    /// The body's fields: the kept parse, or a parse now.
    package func fields() throws(APIError) -> JSONObject {
        if let parsedBody { return try parsedBody.fields.get() }
        return try RequestBody.fields(of: http)
    }

    /// `http://HOST`, the host the client called.
    package var origin: String { "http://\(http.headers[.host] ?? "127.0.0.1")" }

    /// An absolute URL for `path` under this request's base path, on the host the client called.
    package func absoluteURL(_ path: String) -> String { origin + basePath + path }
}

/// One route of a provider: a method and a path under its `/v1`.
package final class ProviderRoute: Sendable {
    package let method: String
    /// The path after the version prefix, e.g. `/videos/{id}/content`.
    package let path: String
    package let endpoint: Endpoint
    /// Served at `/{provider}{path}` without an API key (signed download links), instead of
    /// `/{provider}/v1{path}` behind one.
    package let isPublic: Bool
    package let handler: @Sendable (ProviderRequest) -> ProviderReply

    package init(
        _ method: String, _ path: String, _ endpoint: Endpoint, isPublic: Bool = false,
        _ handler: @escaping @Sendable (ProviderRequest) -> ProviderReply
    ) {
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.isPublic = isPublic
        self.handler = handler
    }
}

/// What a handler did: its reply, and what the journal and the verdict read from it without
/// parsing the reply or looking the task up again.
package struct ProviderReply {
    package var response: HTTPResponse
    /// The task the reply made or showed, as it showed it.
    package var task: TaskView?
    /// The poll advice the reply gave (`openai-poll-after-ms`), when it gave one.
    package var pollAfterMilliseconds: Int?

    package init(_ response: HTTPResponse, task: TaskView? = nil, pollAfterMilliseconds: Int? = nil) {
        self.response = response
        self.task = task
        self.pollAfterMilliseconds = pollAfterMilliseconds
    }
}

/// What a route's handler may return: a bare reply, or one with what it did.
package protocol ProviderReplyConvertible: SendableMetatype {
    /// The reply, made from this value without copying it.
    consuming func providerReply() -> ProviderReply
}

extension ProviderReply: ProviderReplyConvertible {
    package consuming func providerReply() -> ProviderReply { self }
}

extension HTTPResponse: ProviderReplyConvertible {
    package consuming func providerReply() -> ProviderReply { ProviderReply(self) }
}

/// A gateway VideoMock emulates: its routes, its wire formats and its error envelope.
package protocol Provider: Sendable {
    /// The path prefix and catalog name (`aihubmix`).
    var name: ProviderID { get }
    /// The engine's task services.
    var tasks: any TaskService { get }
    /// This provider's models (fixed once the server starts).
    var catalog: Catalog { get }
    var routes: [ProviderRoute] { get }
    /// What the provider calls a task in messages ("video", "task").
    var noun: String { get }
    /// An error in this provider's envelope.
    func render(_ error: APIError) -> HTTPResponse
    /// The prompt of a create or remix body, for scenario rules (default: its `prompt` field).
    func prompt(in fields: JSONObject) -> String?
    /// The id of the task a request names in its path (default: its one path parameter).
    func taskID(in request: ProviderRequest) -> String?
    /// The error code for a model the catalog does not have (default: `model_not_found`).
    var unknownModelCode: String { get }
    /// The field of a creation reply that names the task made, with its quotes and the colon and
    /// quote after it, as the reply writes it (default: `"id":"`).
    var createdIDKey: [UInt8] { get }
    /// Whether a finished task's video reaches the client inline, in its status (default: no).
    func deliversInline(_ task: TaskRecord) -> Bool
}

extension Provider {
    package func prompt(in fields: JSONObject) -> String? { fields["prompt"]?.string }

    package func taskID(in request: ProviderRequest) -> String? { request.http.pathParameters.first.map(String.init) }

    package var unknownModelCode: String { "model_not_found" }

    package var createdIDKey: [UInt8] { idKey }

    package func deliversInline(_ task: TaskRecord) -> Bool { false }

    /// The OpenAI-style envelope most gateways share.
    package func render(_ error: APIError) -> HTTPResponse {
        .json(error.openAIEnvelope, status: error.status, headers: error.headers)
    }

    /// A route handler that renders thrown errors in this provider's envelope.
    func reply<Reply: ProviderReplyConvertible>(_ handler: @escaping @Sendable (ProviderRequest) throws(APIError) -> Reply)
        -> @Sendable (ProviderRequest) -> ProviderReply
    {
        { request in
            do throws(APIError) { return try handler(request).providerReply() } catch { return ProviderReply(render(error)) }
        }
    }

    /// A finished task's content as a file reply (`Range` and HEAD included). `owner` nil: a
    /// signed link's, whoever owns it.
    func content(
        _ request: ProviderRequest, id: Substring, owner: String?, variant: MediaLibrary.Variant = .video,
        unsatisfiable: ((Int) -> HTTPResponse)? = nil
    ) throws(TaskError) -> ProviderReply {
        let content = try tasks.content(provider: name, owner: owner, id: id, variant: variant, corrupt: request.corruptMedia)
        let file = content.file
        let response = HTTPResponse.file(
            path: file.path, size: file.size, contentType: file.contentType, range: request.http.headers[.range]
        ) { size in
            unsatisfiable?(size)
                ?? render(
                    APIError(
                        status: 416, message: "requested range not satisfiable: the resource is \(size) bytes",
                        code: "range_not_satisfiable"))
        }
        // The task as the request showed it, for the verdict (no second look-up).
        return ProviderReply(response, task: view(content.task))
    }

    /// The task as the verdict sees it.
    func view(_ task: TaskSnapshot) -> TaskView {
        var view = TaskView(
            id: task.id, sequence: task.record.sequence, owner: task.record.owner, phase: task.phase, isExpired: task.isExpired,
            deliversInline: deliversInline(task.record))
        view.isStuck = task.isStuck
        return view
    }

    /// Runs an engine call, turning its task errors into this provider's API errors.
    func task<T>(_ body: () throws(TaskError) -> T) throws(APIError) -> T {
        do { return try body() } catch { throw APIError(error, noun: noun) }
    }

    /// The catalog entry for `modelID`, or a 400 listing the models there are.
    func model(_ modelID: String, label: String = "model") throws(APIError) -> ModelSpec {
        guard let model = catalog.model(modelID) else {
            throw APIError.invalid(
                "Unknown model '\(modelID)': it is not a video model of this API. "
                    + "Available video models: \(catalog.modelIDs.joined(separator: ", ")).",
                param: label, code: unknownModelCode)
        }
        return model
    }

    /// Validates the parameters against the model's catalog entry.
    /// Validates the parameters against the model's catalog entry. A width and height given as
    /// numbers must be a size VideoMock makes videos at (every size a catalog lists is).
    func validate(_ parameters: ParameterSet, for model: ModelSpec) throws(APIError) -> TaskSpec {
        let spec: TaskSpec
        do { spec = try model.validate(parameters, knownParameters: catalog.knownParameters) } catch { throw APIError(error) }
        guard tasks.makesVideos(at: spec.dimensions) else {
            let sizes = tasks.videoSizes.sorted { ($0.width, $0.height) < ($1.width, $1.height) }.map(\.description)
            throw APIError.invalid(
                "VideoMock makes videos at the sizes its catalogs list, and \(spec.dimensions) is not one of them: "
                    + "give width and height as one of \(sizes.joined(separator: ", ")).",
                param: parameters["width"]?.label ?? "width")
        }
        return spec
    }

    /// The model and prompt a request is about, for scenario rules: from the body of a create,
    /// from the task named in the path otherwise (a remix's prompt is its new one).
    package func subject(of request: ProviderRequest, endpoint: Endpoint) -> (model: String?, prompt: String?) {
        let fields = endpoint.describesTask ? (try? request.fields()) : nil
        let bodyPrompt = fields.flatMap(prompt(in:))
        if endpoint == .create { return (fields?["model"]?.string, bodyPrompt) }
        guard let id = taskID(in: request) else { return (nil, nil) }
        let task = tasks.subject(provider: name, id: id)
        return (task?.model, endpoint == .remix ? bodyPrompt : task?.prompt)
    }

    /// A random seed for results that report one, reproducible under `--seed`.
    func randomSeed() -> Int { Int(tasks.ids.next() % 4_294_967_295) }
}
