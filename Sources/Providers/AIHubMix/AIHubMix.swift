import HTTPServer
import JSON
import VideoMockCore

/// AIHubMix's `/v1/videos` API, which follows the OpenAI Videos API for Sora models and has its
/// own shape for the rest (docs file 003).
package struct AIHubMix: TaskDialect {
    package let name = ProviderID.aihubmix
    package let noun = "video"
    let taskParameter = "video_id"
    let reportsSeed = false
    package let tasks: any TaskService
    package let catalog: Catalog
    /// A video reply's headers for a task still running and for one that has ended: the poll
    /// advice is one of these two (made once, not on every read).
    let videoHeaders: (running: HTTPHeaders, ended: HTTPHeaders)

    package init(tasks: any TaskService) throws(DocumentError) {
        self.tasks = tasks
        catalog = tasks.catalogs[.aihubmix]
        try catalog.checkAttributes(allowing: [])
        func headers(ended: Bool) -> HTTPHeaders {
            let advice = AIHubMix.milliseconds(tasks.pollAdvice(ended: ended))
            return HTTPHeaders(fields: [("openai-poll-after-ms", String(advice)), ("Content-Type", "application/json")]).writtenOnce()
        }
        videoHeaders = (headers(ended: false), headers(ended: true))
    }

    package var routes: [ProviderRoute] {
        [
            ProviderRoute("POST", "/videos", .create, reply { (request) throws(APIError) in try self.create(request) }),
            ProviderRoute("GET", "/videos", .list, reply { (request) throws(APIError) in try self.list(request) }),
            ProviderRoute("GET", "/videos/{video_id}", .retrieve, reply { (request) throws(APIError) in try self.retrieve(request) }),
            ProviderRoute("DELETE", "/videos/{video_id}", .delete, reply { (request) throws(APIError) in try self.delete(request) }),
            ProviderRoute("GET", "/videos/{video_id}/content", .content, reply { (request) throws(APIError) in try self.content(request) }),
            ProviderRoute("POST", "/videos/{video_id}/remix", .remix, reply { (request) throws(APIError) in try self.remix(request) }),
        ]
    }

    // MARK: Endpoints

    func created(_ task: TaskSnapshot, _ request: ProviderRequest) -> HTTPResponse { videoResponse(task, request) }

    func shown(_ task: TaskSnapshot, _ request: ProviderRequest) -> HTTPResponse { videoResponse(task, request) }

    func list(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let query = request.http.query
        var limit = 20
        if let text = query["limit"] {
            guard let value = Int(text), (1...100).contains(value) else {
                throw APIError.invalid("'limit' must be an integer from 1 to 100, got '\(text)'.", param: "limit")
            }
            limit = value
        }
        let order = query["order"] ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw APIError.invalid("'order' must be 'asc' or 'desc', got '\(order)'.", param: "order")
        }
        guard let page = tasks.list(provider: name, owner: request.apiKey, after: query["after"], limit: limit, ascending: order == "asc")
        else { throw APIError.invalid("'after' names no video of yours: '\(query["after"] ?? "")'.", param: "after") }
        return listResponse(page.tasks, hasMore: page.hasMore, request)
    }

    func delete(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let snapshot = try task { () throws(TaskError) in
            try tasks.delete(provider: name, owner: request.apiKey, id: request.parameter("video_id"))
        }
        return .json(["id": .string(snapshot.id), "object": "video.deleted", "deleted": true])
    }

    func content(_ request: ProviderRequest) throws(APIError) -> ProviderReply {
        let variantText = request.http.query["variant"] ?? "video"
        guard let variant = MediaLibrary.Variant(rawValue: variantText) else {
            throw APIError.invalid(
                "Invalid value for 'variant': '\(variantText)'. Allowed values: video, thumbnail, spritesheet.", param: "variant")
        }
        return try download(request, variant: variant)
    }

    func remix(_ request: ProviderRequest) throws(APIError) -> HTTPResponse {
        let fields = try request.fields()
        let prompt = try fields.requiredString("prompt")
        let sourceID = request.parameter("video_id")
        let source = try task { () throws(TaskError) in
            try tasks.retrieve(provider: name, owner: request.apiKey, id: sourceID, isPoll: false)
        }
        guard let model = catalog.model(source.spec.model), model.supportsRemix else {
            throw APIError.invalid(
                "Model \(source.spec.model) does not support remix; only Sora videos can be remixed.", param: "video_id",
                code: "unsupported_model")
        }
        _ = try task { () throws(TaskError) in try tasks.ready(provider: name, owner: request.apiKey, id: sourceID) }
        var spec = source.spec
        do { _ = try model.check("prompt", .string(prompt)) } catch { throw APIError(error) }
        spec.prompt = prompt
        spec.remixOf = String(sourceID)
        return videoResponse(make(spec, model: model, request), request)
    }

    // MARK: Helpers

    /// An opaque id like the documentation's: URL-safe base64 of a small JSON naming the model.
    func makeID(model: ModelSpec, code: SlotCode) -> String {
        var inner: [UInt8] = []
        inner.reserveCapacity(48 + model.id.utf8.count)
        inner.append(#"{"model":"#)
        JSON.writeString(model.id, into: &inner)
        inner.append(#","id":""#)
        tasks.ids.appendToken(length: 16, carrying: code, to: &inner)
        inner.append(#""}"#)
        return Base64.encode(inner, urlSafe: true, padding: false)
    }
}
