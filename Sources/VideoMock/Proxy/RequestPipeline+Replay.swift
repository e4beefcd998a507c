import HTTPServer
import JSON
import Providers
import Recording
import VideoMockCore

/// Requests a recording answers (`--replay`): creates that match a recorded one, and the status
/// reads of the tasks they made. Everything else, and what matches nothing, is emulated.
extension RequestPipeline {
    /// The reply from the recording, or nil for the emulation's.
    func replayed(_ request: inout ProviderRequest, _ provider: any Provider, _ route: ProviderRoute, replay: Replay) -> ProviderReply? {
        switch route.endpoint {
        case .create, .remix:
            // A body that does not parse gets the emulation's refusal, which names what is wrong.
            guard let fields = try? request.fields() else { return nil }
            let name = provider.name.rawValue, endpoint = route.endpoint.rawValue
            guard let match = replay.match(provider: name, endpoint: endpoint, fields: fields) else {
                guard replayStrict else { return nil }
                let closest = replay.closest(provider: name, endpoint: endpoint, fields: fields)
                return ProviderReply(
                    provider.render(
                        APIError(
                            status: 404, message: "No recording in \(replay.file) matches this request; \(closest).", code: "replay_miss")))
            }
            switch match {
            case .refusal(let exchange):
                return ProviderReply(Self.recordedResponse(exchange))
            case .lifecycle(let index):
                let (plan, notes) = replay.plan(for: index, sizes: engine.media.sizes, phase: RecordedReplies.phase(of:))
                request.plan = SharedPlan(plan)
                let handled = route.handler(request)
                guard (200..<300).contains(handled.response.status), let id = handled.task?.id else { return handled }
                let lifecycle = replay.lifecycles[index]
                let createdAt = engine.clock.now(for: request.apiKey)
                replay.begin(task: id, lifecycle: index, createdAt: createdAt, notes: notes)
                return rewritten(handled, as: lifecycle.create, of: lifecycle, newID: id, createdAt: createdAt)
            }
        case .retrieve:
            guard let id = provider.taskID(in: request), let task = replay.replayed(id) else { return nil }
            // The engine's read keeps the task's state, the journal and the verdict as for any task.
            let handled = route.handler(request)
            guard (200..<300).contains(handled.response.status),
                let (recorded, lifecycle) = replay.read(
                    task: id, now: engine.clock.now(for: request.apiKey), timeScale: engine.clock.timeScale)
            else { return handled }
            return rewritten(handled, as: recorded, of: lifecycle, newID: id, createdAt: task.createdAt)
        default:
            return nil
        }
    }

    /// VideoMock's reply for a replayed task with the recorded body in its place, rewritten to
    /// the new task (its links, which lead to its video, are VideoMock's), and the recorded poll
    /// advice scaled as the recorded offsets are.
    private func rewritten(
        _ handled: ProviderReply, as recorded: RecordedExchange, of lifecycle: Replay.Lifecycle, newID: String, createdAt: Double
    ) -> ProviderReply {
        let response = handled.response
        guard let json = recorded.responseJSON, let emulated = response.body.bytes else { return handled }
        let body = RecordedReplies.rewrite(
            json, emulated: try? JSON.parse(emulated), recordedID: lifecycle.recordedID, newID: newID,
            shift: createdAt - lifecycle.create.time)
        var reply = response
        reply.status = recorded.status
        reply.body = .bytes(body.bytes)
        var advice: Int?
        if let recordedAdvice = recorded.responseHeader("openai-poll-after-ms").flatMap(Double.init) {
            advice = Int((recordedAdvice * engine.clock.timeScale).rounded())
            reply.headers.set("openai-poll-after-ms", String(advice!))
        }
        return ProviderReply(reply, task: handled.task, pollAfterMilliseconds: advice)
    }

    /// Headers a replayed refusal does not carry over: the connection's and the framing's.
    private static let notReplayed: Set<String> = ["date", "server", "content-length", "connection", "transfer-encoding", "keep-alive"]

    /// A recorded reply as it was: status, headers and body.
    static func recordedResponse(_ exchange: RecordedExchange) -> HTTPResponse {
        var headers = HTTPHeaders()
        for (name, value) in exchange.responseHeaders where !notReplayed.contains(name.lowercased()) {
            if let value = value.string { headers.add(name, value) }
        }
        let body: [UInt8] =
            if let json = exchange.responseJSON { json.bytes } else { Array((exchange.responseBody?["text"]?.string ?? "").utf8) }
        return HTTPResponse(status: exchange.status, headers: headers, body: .bytes(body))
    }
}
