import HTTPServer
import JSON
import VideoMockCore

extension AdminAPI {
    func tasks(_ request: HTTPRequest) -> HTTPResponse {
        let provider = request.query["provider"]
        let all = engine.tasks(owner: request.query["api_key"]).filter { provider == nil || $0.record.provider.rawValue == provider }
        return .json(["tasks": .array(all.map(AdminAPI.taskJSON))])
    }

    func countTasks(_ request: HTTPRequest) -> HTTPResponse {
        .json(["count": .int(engine.store.count(owner: request.query["api_key"]))])
    }

    func task(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        try taskReply { () throws(TaskError) in try engine.task(id: request.pathParameters["id"] ?? "") }
    }

    func complete(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        try taskReply { () throws(TaskError) in try engine.force(id: request.pathParameters["id"] ?? "", .complete) }
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
            try engine.force(id: request.pathParameters["id"] ?? "", .fail(code: code, message: message))
        }
    }

    private func taskReply(_ body: () throws(TaskError) -> TaskSnapshot) throws(AdminError) -> HTTPResponse {
        do { return .json(AdminAPI.taskJSON(try body())) } catch { throw AdminError(404, "No task with that id.") }
    }

    /// A task, provider-neutral.
    package static func taskJSON(_ s: TaskSnapshot) -> JSON {
        [
            "id": .string(s.id), "provider": .string(s.record.provider.rawValue), "api_key": .string(s.record.owner),
            "model": .string(s.spec.model), "prompt": .string(s.spec.prompt), "status": .string(s.phase.rawValue),
            "progress": .int(s.progress), "created_at": .double(s.createdAt), "completed_at": s.completedAt.map(JSON.double) ?? .null,
            "expires_at": s.expiresAt.map(JSON.double) ?? .null, "expired": .bool(s.isExpired),
            "error": s.failure.map { ["code": .string($0.code), "message": .string($0.message)] } ?? .null,
            "duration": .int(s.spec.duration), "width": .int(s.spec.dimensions.width), "height": .int(s.spec.dimensions.height),
            "has_audio": .bool(s.spec.hasAudio), "parameters": .object(s.spec.parameters), "remixed_from": JSON(s.spec.remixOf),
        ]
    }
}
