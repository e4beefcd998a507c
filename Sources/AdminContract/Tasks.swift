import JSON

/// `GET /tasks`.
public struct TaskList: Codable, Sendable {
    public let tasks: [TaskInfo]
    public init(_ tasks: [TaskInfo]) { self.tasks = tasks }
}

/// A task, provider-neutral, as the admin API shows it.
public struct TaskInfo: Codable, Sendable {
    public struct Failure: Codable, Sendable, Equatable {
        public let code: String
        public let message: String

        public init(code: String, message: String) { (self.code, self.message) = (code, message) }
    }

    /// One state of its life, from its creation: `queued`, `in_progress`, `completed`, `failed`,
    /// and `expired` once its link has expired. `to` is nil for the state it is in.
    public struct State: Codable, Sendable, Equatable {
        public let status: String
        public let from: Double
        public let to: Double?

        public init(status: String, from: Double, to: Double?) { (self.status, self.from, self.to) = (status, from, to) }
    }

    public let id: String
    public let provider: String
    public let apiKey: String
    public let model: String
    public let prompt: String
    /// `queued`, `in_progress`, `completed`, `failed` or `unknown`.
    public let status: String
    public let progress: Int
    public let createdAt: Double
    public let completedAt: Double?
    public let expiresAt: Double?
    public let expired: Bool
    public let error: Failure?
    public let duration: Int
    public let width: Int
    public let height: Int
    public let hasAudio: Bool
    /// The create's parameters as the model's catalog read them.
    public let parameters: JSONObject
    public let remixedFrom: String?
    public let states: [State]

    public init(
        id: String, provider: String, apiKey: String, model: String, prompt: String, status: String, progress: Int,
        createdAt: Double, completedAt: Double?, expiresAt: Double?, expired: Bool, error: Failure?, duration: Int, width: Int,
        height: Int, hasAudio: Bool, parameters: JSONObject, remixedFrom: String?, states: [State]
    ) {
        (self.id, self.provider, self.apiKey, self.model, self.prompt, self.status) = (id, provider, apiKey, model, prompt, status)
        (self.progress, self.createdAt, self.completedAt, self.expiresAt, self.expired) = (
            progress, createdAt, completedAt, expiresAt, expired
        )
        (self.error, self.duration, self.width, self.height, self.hasAudio) = (error, duration, width, height, hasAudio)
        (self.parameters, self.remixedFrom, self.states) = (parameters, remixedFrom, states)
    }

    enum CodingKeys: String, CodingKey {
        case id, provider, apiKey = "api_key", model, prompt, status, progress, createdAt = "created_at"
        case completedAt = "completed_at", expiresAt = "expires_at", expired, error, duration, width, height
        case hasAudio = "has_audio", parameters, remixedFrom = "remixed_from", states
    }
}
