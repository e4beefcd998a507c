import AdminContract
import HTTPServer
import JSON
import VideoMockCore

extension AdminAPI {
    func tasks(_ request: HTTPRequest) -> HTTPResponse {
        let provider = request.query["provider"]
        let all = engine.tasks(owner: request.query["api_key"]).filter { provider == nil || $0.record.provider.rawValue == provider }
        return .answer(TaskList(all.map { AdminAPI.info($0, timeScale: engine.clock.timeScale) }))
    }

    func countTasks(_ request: HTTPRequest) -> HTTPResponse {
        .answer(Count(engine.store.count(owner: request.query["api_key"])))
    }

    func task(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        try taskReply { () throws(TaskError) in try engine.task(id: String(request.pathParameters["id"] ?? "")) }
    }

    func complete(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        try taskReply { () throws(TaskError) in try engine.force(id: String(request.pathParameters["id"] ?? ""), .complete) }
    }

    func fail(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        var code = "generation_failed", message = "Video generation failed"
        if !request.body.isEmpty {
            guard let body = try? JSON.parse(request.body), body.object != nil else {
                throw AdminError(400, "The body must be JSON like {\"code\": \"content_policy_violation\", \"message\": \"...\"}.")
            }
            if let given = body["code"] {
                guard let text = given.string else { throw AdminError(400, "'code' must be a string.") }
                code = text
            }
            if let given = body["message"] {
                guard let text = given.string else { throw AdminError(400, "'message' must be a string.") }
                message = text
            }
        }
        return try taskReply { () throws(TaskError) in
            try engine.force(id: String(request.pathParameters["id"] ?? ""), .fail(code: code, message: message))
        }
    }

    private func taskReply(_ body: () throws(TaskError) -> TaskSnapshot) throws(AdminError) -> HTTPResponse {
        do { return .answer(AdminAPI.info(try body(), timeScale: engine.clock.timeScale)) } catch {
            throw AdminError(404, "No task with that id.")
        }
    }

    /// A task, provider-neutral.
    package static func info(_ s: TaskSnapshot, timeScale: Double) -> TaskInfo {
        TaskInfo(
            id: s.id, provider: s.record.provider.rawValue, apiKey: s.record.owner, model: s.spec.model, prompt: s.spec.prompt,
            status: s.phase.rawValue, progress: s.progress, createdAt: s.createdAt, completedAt: s.completedAt, expiresAt: s.expiresAt,
            expired: s.isExpired, error: s.failure.map { TaskInfo.Failure(code: $0.code, message: $0.message) },
            duration: s.spec.duration, width: s.spec.dimensions.width, height: s.spec.dimensions.height, hasAudio: s.spec.hasAudio,
            parameters: s.spec.parameters, remixedFrom: s.spec.remixOf, states: states(s, timeScale: timeScale))
    }

    /// The task's states from its creation, with `expired` once its link has expired.
    static func states(_ s: TaskSnapshot, timeScale: Double) -> [TaskInfo.State] {
        var states = s.record.states(timeScale: timeScale).map { TaskInfo.State(status: $0.phase.rawValue, from: $0.from, to: $0.to) }
        if let expiresAt = s.expiresAt, s.isExpired, let last = states.popLast() {
            states += [
                TaskInfo.State(status: last.status, from: last.from, to: expiresAt),
                TaskInfo.State(status: "expired", from: expiresAt, to: nil),
            ]
        }
        return states
    }
}

extension AdminAPI {
    /// A completed task's video (or `?variant=thumbnail`), for the dashboard's `<video>` and
    /// `<img>`: any provider's task, Range and HEAD as for any file, not seen by the verdict.
    func media(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        let name = request.query["variant"] ?? "video"
        guard let variant = MediaLibrary.Variant(rawValue: name) else {
            throw AdminError(400, "'variant' must be video, thumbnail or spritesheet, got '\(name)'.")
        }
        do {
            let file = try engine.adminMedia(id: String(request.pathParameters["id"] ?? ""), variant: variant)
            return .file(path: file.path, size: file.size, contentType: file.contentType, range: request.headers[.range]) { size in
                AdminError(416, "The range asks for no byte of the \(size) there are.").response
            }
        } catch {
            switch error {
            case .notFound: throw AdminError(404, "No task with that id.")
            case .notReady(let phase): throw AdminError(409, "The task is \(phase.rawValue): it has no video until it completes.")
            default: throw AdminError(500, "\(error)")
            }
        }
    }
}
