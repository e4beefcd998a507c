import VideoMockCore

extension APIError {
    /// The neutral reply to a task error; `noun` is what the provider calls a task ("video", "task").
    package init(_ error: TaskError, noun: String) {
        switch error {
        case .notFound(let id):
            let shown = id.count > 100 ? id.prefix(100) + "…" : Substring(id)
            self.init(status: 404, message: "No \(noun) found with id '\(shown)'.", code: "not_found", param: "\(noun)_id")
        case .notSupported(let message):
            self.init(status: 501, message: message, type: "not_supported", code: "not_supported")
        case .notReady(let phase):
            self.init(
                status: 400,
                message: "The \(noun) is not ready: its status is \(phase.rawValue). Content can be downloaded once it is completed.",
                code: "\(noun)_not_ready")
        case .failed(let failure):
            self.init(status: 400, message: "The \(noun) failed, so it has no content: \(failure.message)", code: "\(noun)_failed")
        case .mediaUnavailable(let reason):
            self.init(
                status: 500, message: "The \(noun)'s video could not be made: \(reason)", type: "server_error", code: "internal_error")
        case .expired(let at):
            self.init(
                status: 410,
                message: "The \(noun)'s download link expired at \(Int(at)) (Unix time); generated content is kept for a limited time.",
                code: "\(noun)_expired")
        }
    }
}
