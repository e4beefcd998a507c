import HTTPServer
import JSON
import VideoMockCore

extension AIHubMix {
    /// A video reply, with the `openai-poll-after-ms` hint the OpenAI SDK sleeps by.
    func videoResponse(_ snapshot: TaskSnapshot, _ request: ProviderRequest) -> HTTPResponse {
        let headers = snapshot.phase.isFinal ? videoHeaders.ended : videoHeaders.running
        return HTTPResponse(status: 200, headers: headers, body: .written(ReplyBuffer.write { writeVideo(snapshot, request, into: &$0) }))
    }

    func pollAfterMilliseconds(_ snapshot: TaskSnapshot) -> Int? {
        AIHubMix.milliseconds(tasks.pollAdvice(snapshot))
    }

    /// Poll advice as `openai-poll-after-ms` gives it: whole milliseconds, rounded up.
    static func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded(.up)) }

    func listResponse(_ tasks: [TaskSnapshot], hasMore: Bool, _ request: ProviderRequest) -> HTTPResponse {
        return .json { writer in
            writer.beginObject()
            writer.field("object", "list")
            writer.key("data")
            writer.beginArray()
            for task in tasks { writeVideo(task, request, into: &writer) }
            writer.endArray()
            writer.field("first_id", tasks.first?.id)
            writer.field("last_id", tasks.last?.id)
            writer.field("has_more", hasMore)
            writer.endObject()
        }
    }

    /// The Sora shape (the OpenAI Video object) or the shape AIHubMix gives every other model.
    func writeVideo(_ snapshot: TaskSnapshot, _ request: ProviderRequest, into writer: inout JSONWriter) {
        // Read where the task keeps it: no copy of the spec.
        if snapshot.record.identity.spec.shape == .sora {
            writeSora(snapshot, snapshot.record.identity.spec, into: &writer)
        } else {
            writeGeneric(snapshot, snapshot.record.identity.spec, request, into: &writer)
        }
    }

    /// AIHubMix's status words, as JSON: queued (Sora only), in_progress, completed, failed.
    private func status(_ phase: TaskPhase, queued: Bool) -> StaticString {
        switch phase {
        case .queued: queued ? #""queued""# : #""in_progress""#
        case .unknown, .inProgress: #""in_progress""#
        case .completed: #""completed""#
        case .failed: #""failed""#
        }
    }

    private func writeSora(_ s: TaskSnapshot, _ spec: borrowing TaskSpec, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", plain: s.id)
        writer.field("object", json: #""video""#)
        writer.field("created_at", Int(s.createdAt))
        writer.field("status", json: status(s.phase, queued: true))
        let plain = spec.isPlainText
        writer.field("model", spec.model, plain: plain)
        writer.field("progress", s.progress)
        spec.withPromptUTF8 { writer.field("prompt", utf8: $0, plain: plain) }
        writer.key("seconds")
        writer.int(spec.duration, asString: true)
        writer.field("size", spec.size ?? spec.dimensions.description, plain: plain)
        writer.field("completed_at", s.completedAt.map { Int($0) })
        writer.field("expires_at", s.expiresAt.map { Int($0) })
        writer.field("remixed_from_video_id", spec.remixOf)
        writer.key("error")
        writeError(s.failure, into: &writer)
        writer.endObject()
    }

    /// A failure as the FAQ shows it (`message`, `type`), with the `code` the OpenAI Video object has.
    private func writeError(_ failure: TaskSnapshot.Failure?, into writer: inout JSONWriter) {
        guard let failure else { return writer.null() }
        writer.beginObject()
        writer.field("message", failure.message)
        writer.field("type", "video_generation_error")
        writer.field("code", failure.code)
        writer.endObject()
    }

    private func writeGeneric(_ s: TaskSnapshot, _ spec: borrowing TaskSpec, _ request: ProviderRequest, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", plain: s.id)
        writer.field("object", json: #""video""#)
        writer.field("created", Int(s.createdAt))
        writer.field("model", spec.model)
        // Only Sora has a queued status here; the rest are in progress from the start.
        writer.field("status", json: status(s.phase, queued: false))
        spec.withPromptUTF8 { writer.field("prompt", utf8: $0) }
        writer.field("duration", spec.duration)
        writer.field("width", spec.dimensions.width)
        writer.field("height", spec.dimensions.height)
        writer.field("url", s.phase == .completed ? request.absoluteURL("/videos/\(s.id)/content") : nil)
        writer.key("error")
        writeError(s.failure, into: &writer)
        if let expiresAt = s.expiresAt { writer.field("expires_at", Int(expiresAt)) }
        writer.endObject()
    }
}
