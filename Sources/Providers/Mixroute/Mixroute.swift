import HTTPServer
import JSON
import VideoMockCore

/// Mixroute's `/v1/video/generations`, a new-api gateway (docs files 000, 001, 002): each
/// model family with its own parameter names, results as expiring signed links or, for Veo,
/// `data:video/mp4;base64,...` URLs.
public struct Mixroute: Provider {
    public let name = "mixroute"
    public let noun = "task"
    public let engine: Engine
    public let catalog: Catalog
    let links: SignedLinks

    static let shape = NewAPITaskShape(
        words: [.queued: "submitted", .inProgress: "processing", .completed: "succeeded", .failed: "failed", .unknown: "processing"],
        reportsProgress: false)

    public init(engine: Engine) {
        self.engine = engine
        catalog = Self.catalog("mixroute", in: engine)
        links = SignedLinks(secret: engine.ids.token(length: 32))
    }

    public var routes: [ProviderRoute] {
        [
            ProviderRoute("POST", "/video/generations", .create, reply { (request) throws(APIError) in try self.create(request) }),
            ProviderRoute("GET", "/video/generations/{task_id}", .retrieve, reply { (request) throws(APIError) in try self.retrieve(request) }),
            ProviderRoute("GET", "/videos/{task_id}/content", .content, reply { (request) throws(APIError) in try self.soraContent(request) }),
            ProviderRoute("GET", "/files/{file}", .content, isPublic: true) { request in self.signedDownload(request) },
        ]
    }

    func create(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let fields = try request.fields()
        let model = try model(try fields.requiredString("model"))
        let parameters =
            model.attributes["input"] == "content"
            ? try DoubaoContent.parameters(from: fields)
            : try fields.parameters(excluding: ["model"], flattening: "metadata")
        let spec = try validate(parameters, for: model).seeded(randomSeed())
        let prefix = model.attributes["id_prefix"] ?? "video_"
        let snapshot = engine.create(provider: name, owner: request.apiKey, spec: spec, model: model, plan: request.plan) {
            prefix + engine.ids.token(length: 24)
        }
        // The Veo page answers `pending` with `created_at`; the generic page `submitted` with `format`.
        if model.attributes["submit_status"] == "pending" {
            return .json(["task_id": .string(snapshot.id), "status": "pending", "created_at": .int(Int(snapshot.createdAt))])
        }
        return .json(["task_id": .string(snapshot.id), "status": "submitted", "format": "mp4"])
    }

    func retrieve(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let snapshot = try task { () throws(TaskError) in try engine.retrieve(provider: name, owner: request.apiKey, id: request.parameter("task_id")) }
        return .json(Mixroute.shape.json(snapshot, url: resultURL(snapshot, request)))
    }

    /// A data URL (Veo, by default) or a signed link that expires with the result.
    func resultURL(_ snapshot: TaskSnapshot, _ request: ProviderRequest) -> String? {
        guard snapshot.phase == .completed, let expiresAt = snapshot.expiresAt else { return nil }
        if snapshot.record.attributes["result_url"] == "data" { return engine.media.dataURL(for: snapshot.spec) }
        return "\(request.origin)/\(name)\(links.path(for: snapshot.id, expiresAt: Int(expiresAt)))"
    }

    /// The Sora 2 download endpoint the docs mention, behind the API key.
    func soraContent(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let id = request.parameter("task_id")
        let snapshot = try task { () throws(TaskError) in try engine.retrieve(provider: name, owner: request.apiKey, id: id, isPoll: false) }
        guard catalog.model(snapshot.spec.model)?.family == "sora" else {
            throw APIError.invalid("The download endpoint serves Sora 2 tasks only; fetch this task's result from its 'url'.", param: "task_id")
        }
        let file = try task { () throws(TaskError) in try engine.content(provider: name, owner: request.apiKey, id: id, variant: .video) }
        return .file(path: file.path, size: file.size, contentType: file.contentType, range: request.http.headers["Range"])
    }

    /// `/mixroute/files/{id}.mp4?expires=...&signature=...`, answered like an object store.
    func signedDownload(_ request: ProviderRequest) -> HTTPResponse {
        let query = request.http.query
        switch links.verify(file: request.parameter("file"), expires: query["expires"], signature: query["signature"], now: engine.clock.now()) {
        case .failure(let refusal):
            return SignedLinks.objectStoreError(refusal)
        case .success(let id):
            do {
                let file = try engine.content(provider: name, owner: nil, id: id, variant: .video)
                return .file(path: file.path, size: file.size, contentType: file.contentType, range: request.http.headers["Range"])
            } catch {
                return SignedLinks.objectStoreError(.missing)
            }
        }
    }
}
