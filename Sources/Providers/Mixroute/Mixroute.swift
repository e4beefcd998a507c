import HTTPServer
import JSON
import VideoMockCore

/// Mixroute's `/v1/video/generations`, a new-api gateway (docs files 000, 001, 002): each
/// model family with its own parameter names, results as expiring signed links or, for Veo,
/// `data:video/mp4;base64,...` URLs.
package struct Mixroute: TaskDialect {
    package let name = ProviderID.mixroute
    package let createdIDKey = Array(#""task_id":""#.utf8)
    package let noun = "task"
    let taskParameter = "task_id"
    let reportsSeed = true
    package let tasks: any TaskService
    package let catalog: Catalog
    let links: SignedLinks
    let options: [String: MixrouteModelOptions]

    /// The new-api task shape; a queued task keeps the word its submit reply used
    /// (`submitted`, or `pending` on the Veo page), so that one sequence of words is seen.
    static let shapes = Dictionary(
        uniqueKeysWithValues: MixrouteModelOptions.SubmitStatus.allCases.map { submitStatus in
            let words: [TaskPhase: String] = [
                .queued: submitStatus.rawValue, .inProgress: "processing", .completed: "succeeded", .failed: "failed",
                .unknown: "processing",
            ]
            return (submitStatus, NewAPITaskShape(words: words, reportsProgress: false))
        })

    package init(tasks: any TaskService) throws(DocumentError) {
        self.tasks = tasks
        catalog = tasks.catalogs[.mixroute]
        links = SignedLinks(secret: tasks.ids.token(length: 32))
        try catalog.checkAttributes(allowing: MixrouteModelOptions.attributeNames)
        var options: [String: MixrouteModelOptions] = [:]
        for model in catalog.models { options[model.id] = try MixrouteModelOptions(model) }
        self.options = options
    }

    /// Every catalog model has its options from start-up; tasks are only made of catalog models.
    func options(of model: String) -> MixrouteModelOptions { options[model] ?? MixrouteModelOptions() }

    package var routes: [ProviderRoute] {
        [
            ProviderRoute("POST", "/video/generations", .create, reply { (request) throws(APIError) in try self.create(request) }),
            ProviderRoute(
                "GET", "/video/generations/{task_id}", .retrieve, reply { (request) throws(APIError) in try self.retrieve(request) }),
            ProviderRoute(
                "GET", "/videos/{task_id}/content", .content, reply { (request) throws(APIError) in try self.soraContent(request) }),
            ProviderRoute("GET", "/files/{file}", .content, isPublic: true) { request in self.signedDownload(request) },
        ]
    }

    func parameters(from fields: JSONObject, model: ModelSpec) throws(APIError) -> ParameterSet {
        switch options(of: model.id).requestForm {
        case .content: try DoubaoContent.parameters(from: fields)
        case .fields: try fields.parameters(excluding: ["model"], flattening: "metadata")
        }
    }

    func makeID(model: ModelSpec, code: SlotCode) -> String {
        options(of: model.id).idPrefix + tasks.ids.token(length: 24, carrying: code)
    }

    /// The Veo page's reply carries `created_at`, the generic page's `format`.
    func created(_ task: TaskSnapshot, _ request: ProviderRequest) -> HTTPResponse {
        let submitStatus = options(of: task.spec.model).submitStatus
        let status = JSON.string(submitStatus.rawValue)
        switch submitStatus {
        case .pending: return .json(["task_id": .string(task.id), "status": status, "created_at": .int(Int(task.createdAt))])
        case .submitted: return .json(["task_id": .string(task.id), "status": status, "format": "mp4"])
        }
    }

    func shown(_ task: TaskSnapshot, _ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let shape = Mixroute.shapes[options(of: task.spec.model).submitStatus]!
        return shape.response(task, url: try resultURL(task, request))
    }

    /// A data URL (Veo, by default) or a signed link that expires with the result.
    func resultURL(_ snapshot: TaskSnapshot, _ request: ProviderRequest) throws(APIError) -> String? {
        guard snapshot.phase == .completed, let expiresAt = snapshot.expiresAt else { return nil }
        if deliversInline(snapshot.record) { return try task { () throws(TaskError) in try tasks.dataURL(snapshot) } }
        return "\(request.origin)/\(name)\(links.path(for: snapshot.id, expiresAt: Int(expiresAt)))"
    }

    /// The Sora 2 download endpoint the docs mention, behind the API key.
    func soraContent(_ request: ProviderRequest) throws(APIError) -> ProviderReply {
        let id = request.parameter("task_id")
        let snapshot = try task { () throws(TaskError) in try tasks.retrieve(provider: name, owner: request.apiKey, id: id, isPoll: false)
        }
        guard catalog.model(snapshot.spec.model)?.family == .sora else {
            throw APIError.invalid(
                "The download endpoint serves Sora 2 tasks only; fetch this task's result from its 'url'.", param: "task_id")
        }
        return try download(request)
    }

    package func deliversInline(_ task: TaskRecord) -> Bool {
        (task.resultDelivery ?? options(of: task.spec.model).resultDelivery) == .data
    }

    /// A signed link names its task as `{id}.mp4`.
    package func taskID(in request: ProviderRequest) -> String? {
        guard let file = request.http.pathParameters["file"] else { return request.http.pathParameters["task_id"].map(String.init) }
        return SignedLinks.taskID(file: String(file))
    }

    /// A Doubao body's prompt is the text of its `metadata.content`.
    package func prompt(in fields: JSONObject) -> String? {
        fields["prompt"]?.string ?? DoubaoContent.text(in: fields)
    }

    /// `/mixroute/files/{id}.mp4?expires=...&signature=...`, answered like an object store.
    func signedDownload(_ request: ProviderRequest) -> ProviderReply {
        let query = request.http.query
        switch links.verify(file: String(request.parameter("file")), expires: query["expires"], signature: query["signature"]) {
        case .failure(let refusal):
            return ProviderReply(SignedLinks.objectStoreError(refusal))
        case .success(let id):
            do throws(TaskError) {
                return try content(request, id: id[...], owner: nil) { _ in SignedLinks.objectStoreError(.invalidRange) }
            } catch .expired {
                return ProviderReply(SignedLinks.objectStoreError(.expired))
            } catch {
                return ProviderReply(SignedLinks.objectStoreError(.missing))
            }
        }
    }
}
