import HTTPServer
import JSON
import VideoMockCore

/// Amux's universal `/v1/video/generations` contract (docs file 004): one vendor-neutral body,
/// vendor fields passed through `metadata`, and an OpenAI Sora-style `/v1/videos` alias.
package struct Amux: Provider {
    package let name = ProviderID.amux
    package let createdIDKey = Array(#""task_id":""#.utf8)
    package let noun = "task"
    /// The page's own error example: a model that is not a video model is an `invalid_value`.
    package let unknownModelCode = "invalid_value"
    package let engine: Engine
    package let catalog: Catalog

    static let shape = NewAPITaskShape(
        words: [.queued: "queued", .inProgress: "in_progress", .completed: "completed", .failed: "failed", .unknown: "unknown"],
        reportsProgress: true)

    package init(engine: Engine) throws(DocumentError) {
        self.engine = engine
        catalog = engine.catalogs[.amux]
        try catalog.checkAttributes(allowing: [])
    }

    package var routes: [ProviderRoute] {
        ["/video/generations", "/videos"].flatMap { base in
            [
                ProviderRoute("POST", base, .create, reply { (request) throws(APIError) in try self.create(request) }),
                ProviderRoute("GET", "\(base)/{task_id}", .retrieve, reply { (request) throws(APIError) in try self.retrieve(request) }),
                ProviderRoute(
                    "GET", "\(base)/{task_id}/content", .content, reply { (request) throws(APIError) in try self.content(request) }),
            ]
        }
    }

    func create(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let fields = try request.fields()
        let model = try model(try fields.requiredString("model"))
        let spec = try validate(try fields.parameters(excluding: ["model"], flattening: "metadata"), for: model).seeded(randomSeed())
        let snapshot = engine.create(provider: name, owner: request.apiKey, spec: spec, model: model, plan: request.plan) {
            engine.ids.token(length: 12)
        }
        return .json(["task_id": .string(snapshot.id), "status": .string(Amux.shape.words[snapshot.phase] ?? "queued")])
    }

    func retrieve(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let snapshot = try task { () throws(TaskError) in
            try engine.retrieve(provider: name, owner: request.apiKey, id: request.parameter("task_id"))
        }
        let url = snapshot.phase == .completed ? request.absoluteURL("/video/generations/\(snapshot.id)/content") : nil
        return .json(Amux.shape.json(snapshot, url: url))
    }

    func content(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        try task { () throws(TaskError) in try content(request, id: request.parameter("task_id"), owner: request.apiKey) }
    }
}
