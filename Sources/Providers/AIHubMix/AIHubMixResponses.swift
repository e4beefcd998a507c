import HTTPServer
import JSON
import VideoMockCore

extension AIHubMix {
    /// A video reply, with the `openai-poll-after-ms` hint the OpenAI SDK sleeps by.
    func videoResponse(_ snapshot: TaskSnapshot, _ request: ProviderRequest) -> HTTPResponse {
        .json(videoJSON(snapshot, request), headers: ["openai-poll-after-ms": String(pollAfterMilliseconds(snapshot))])
    }

    func pollAfterMilliseconds(_ snapshot: TaskSnapshot) -> Int {
        Int((engine.pollAdvice(snapshot) * 1000).rounded(.up))
    }

    func listJSON(_ tasks: [TaskSnapshot], hasMore: Bool, _ request: ProviderRequest) -> JSON {
        [
            "object": "list",
            "data": .array(tasks.map { videoJSON($0, request) }),
            "first_id": JSON(tasks.first?.id),
            "last_id": JSON(tasks.last?.id),
            "has_more": .bool(hasMore),
        ]
    }

    /// The Sora shape (the OpenAI Video object) or the shape AIHubMix gives every other model.
    func videoJSON(_ snapshot: TaskSnapshot, _ request: ProviderRequest) -> JSON {
        catalog.shape(of: snapshot.spec.model) == .sora ? soraJSON(snapshot) : genericJSON(snapshot, request)
    }

    /// AIHubMix's status words: queued (Sora only), in_progress, completed, failed.
    private func status(_ phase: TaskPhase, queued: Bool) -> String {
        switch phase {
        case .queued: queued ? "queued" : "in_progress"
        case .unknown: "in_progress"
        default: phase.rawValue
        }
    }

    private func soraJSON(_ s: TaskSnapshot) -> JSON {
        return [
            "id": .string(s.id),
            "object": "video",
            "created_at": .int(Int(s.createdAt)),
            "status": .string(status(s.phase, queued: true)),
            "model": .string(s.spec.model),
            "progress": .int(s.progress),
            "prompt": .string(s.spec.prompt),
            "seconds": .string(String(s.spec.duration)),
            "size": .string(s.spec.size ?? s.spec.dimensions.description),
            "completed_at": JSON(s.completedAt.map { Int($0) }),
            "expires_at": JSON(s.expiresAt.map { Int($0) }),
            "remixed_from_video_id": JSON(s.spec.remixOf),
            "error": errorJSON(s.failure),
        ]
    }

    /// A failure as the FAQ shows it (`message`, `type`), with the `code` the OpenAI Video object has.
    private func errorJSON(_ failure: TaskSnapshot.Failure?) -> JSON {
        guard let failure else { return .null }
        return ["message": .string(failure.message), "type": "video_generation_error", "code": .string(failure.code)]
    }

    private func genericJSON(_ s: TaskSnapshot, _ request: ProviderRequest) -> JSON {
        var object: JSONObject = [
            "id": .string(s.id),
            "object": "video",
            "created": .int(Int(s.createdAt)),
            "model": .string(s.spec.model),
            // Only Sora has a queued status here; the rest are in progress from the start.
            "status": .string(status(s.phase, queued: false)),
            "prompt": .string(s.spec.prompt),
            "duration": .int(s.spec.duration),
            "width": .int(s.spec.dimensions.width),
            "height": .int(s.spec.dimensions.height),
            "url": s.phase == .completed ? .string(request.absoluteURL("/videos/\(s.id)/content")) : .null,
            "error": errorJSON(s.failure),
        ]
        if let expiresAt = s.expiresAt { object["expires_at"] = .int(Int(expiresAt)) }
        return .object(object)
    }
}
