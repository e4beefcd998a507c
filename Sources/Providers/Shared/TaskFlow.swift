import HTTPServer
import JSON
import VideoMockCore

/// What a gateway says in its own words about tasks: how its create body names parameters, its
/// id format, and how its replies read. The flow around it (`create`, `retrieve`, `download`)
/// is written once, below.
protocol TaskDialect: Provider {
    /// The path parameter that names the task (`video_id`, `task_id`).
    var taskParameter: String { get }
    /// Whether results report a seed; one is chosen when the request gives none.
    var reportsSeed: Bool { get }
    /// A create body's fields as the catalog's parameters for `model`.
    func parameters(from fields: JSONObject, model: ModelSpec) throws(APIError) -> ParameterSet
    /// A new task id in this gateway's format, ending its token with `code` (the task's slot).
    func makeID(model: ModelSpec, code: SlotCode) -> String
    /// The reply to a create.
    func created(_ task: TaskSnapshot, _ request: ProviderRequest) throws(APIError) -> HTTPResponse
    /// The reply to a status read.
    func shown(_ task: TaskSnapshot, _ request: ProviderRequest) throws(APIError) -> HTTPResponse
    /// The poll advice a status reply gives (`openai-poll-after-ms`), for gateways that give one.
    func pollAfterMilliseconds(_ task: TaskSnapshot) -> Int?
}

extension TaskDialect {
    /// A create: the model, its parameters checked against the catalog, the task made.
    func create(_ request: ProviderRequest) throws(APIError) -> ProviderReply {
        let fields = try request.fields()
        let model = try model(try fields.requiredString("model"))
        var spec = try validate(try parameters(from: fields, model: model), for: model)
        if reportsSeed { spec = spec.seeded(randomSeed()) }
        let task = make(spec, model: model, request)
        return ProviderReply(try created(task, request), task: view(task))
    }

    func pollAfterMilliseconds(_ task: TaskSnapshot) -> Int? { nil }

    /// A task of `spec` for the request's key, living as the request's plan says; as first seen.
    func make(_ spec: TaskSpec, model: ModelSpec, _ request: ProviderRequest) -> TaskSnapshot {
        tasks.create(provider: name, owner: request.apiKey, spec: spec, model: model, plan: request.plan) { makeID(model: model, code: $0) }
    }

    /// A status read of the task the path names.
    func retrieve(_ request: ProviderRequest) throws(APIError) -> ProviderReply {
        let id = request.parameter(taskParameter)
        let task = try task { () throws(TaskError) in try tasks.retrieve(provider: name, owner: request.apiKey, id: id) }
        return ProviderReply(try shown(task, request), task: view(task), pollAfterMilliseconds: pollAfterMilliseconds(task))
    }

    /// The finished task's video (or another variant) behind the key, `Range` and HEAD included.
    func download(_ request: ProviderRequest, variant: MediaLibrary.Variant = .video) throws(APIError) -> ProviderReply {
        let id = request.parameter(taskParameter)
        return try task { () throws(TaskError) in try content(request, id: id, owner: request.apiKey, variant: variant) }
    }
}
