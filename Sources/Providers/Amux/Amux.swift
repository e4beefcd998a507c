import HTTPServer
import JSON
import VideoMockCore

/// Amux's universal `/v1/video/generations` contract (docs file 004): one vendor-neutral body,
/// vendor fields passed through `metadata`, and an OpenAI Sora-style `/v1/videos` alias.
package struct Amux: TaskDialect {
    package let name = ProviderID.amux
    package let createdIDKey = Array(#""task_id":""#.utf8)
    package let noun = "task"
    let taskParameter = "task_id"
    let reportsSeed = true
    /// The page's own error example: a model that is not a video model is an `invalid_value`.
    package let unknownModelCode = "invalid_value"
    package let tasks: any TaskService
    package let catalog: Catalog

    static let shape = NewAPITaskShape(
        words: [.queued: "queued", .inProgress: "in_progress", .completed: "completed", .failed: "failed", .unknown: "unknown"],
        reportsProgress: true)

    package init(tasks: any TaskService) throws(DocumentError) {
        self.tasks = tasks
        catalog = tasks.catalogs[.amux]
        try catalog.checkAttributes(allowing: [])
    }

    package var routes: [ProviderRoute] {
        ["/video/generations", "/videos"].flatMap { base in
            [
                ProviderRoute("POST", base, .create, reply { (request) throws(APIError) in try self.create(request) }),
                ProviderRoute("GET", "\(base)/{task_id}", .retrieve, reply { (request) throws(APIError) in try self.retrieve(request) }),
                ProviderRoute(
                    "GET", "\(base)/{task_id}/content", .content, reply { (request) throws(APIError) in try self.download(request) }),
            ]
        }
    }

    func parameters(from fields: JSONObject, model: ModelSpec) throws(APIError) -> ParameterSet {
        try fields.parameters(excluding: ["model"], flattening: "metadata")
    }

    func makeID(model: ModelSpec, code: SlotCode) -> String { tasks.ids.token(length: 12, carrying: code) }

    func created(_ task: TaskSnapshot, _ request: ProviderRequest) -> HTTPResponse {
        .json(["task_id": .string(task.id), "status": .string(Amux.shape.words[task.phase] ?? "queued")])
    }

    func shown(_ task: TaskSnapshot, _ request: ProviderRequest) -> HTTPResponse {
        let url = task.phase == .completed ? request.absoluteURL("/video/generations/\(task.id)/content") : nil
        return Amux.shape.response(task, url: url)
    }
}
