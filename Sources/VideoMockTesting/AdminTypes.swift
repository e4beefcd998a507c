import Foundation

/// What `GET /__admin/health` answers.
public struct Health: Decodable, Sendable, Equatable {
    public let status: String
    public let version: String
}

/// The clock as the server, or one key, sees it.
public struct ClockState: Decodable, Sendable, Equatable {
    public let mode: String
    /// Seconds since the epoch.
    public let now: Double
    public let timeScale: Double
    /// For a key's clock: the key, and how far it runs ahead of the server's.
    public let apiKey: String?
    public let offset: Double?
}

/// Which journal entries to ask for; every given field must match.
public struct RequestFilter: Sendable, Equatable {
    public var method: String?
    /// A glob over the path: `/v1/videos/*`.
    public var path: String?
    /// `aihubmix`, `mixroute` or `amux`.
    public var provider: String?
    /// `create`, `retrieve`, `content`, `delete`, `list` or `remix`.
    public var endpoint: String?
    /// Entries at or after this clock time.
    public var since: Double?

    public init(method: String? = nil, path: String? = nil, provider: String? = nil, endpoint: String? = nil, since: Double? = nil) {
        self.method = method
        self.path = path
        self.provider = provider
        self.endpoint = endpoint
        self.since = since
    }

    var query: [URLQueryItem] {
        [("method", method), ("path", path), ("provider", provider), ("endpoint", endpoint), ("since", since.map { String($0) })]
            .compactMap { name, value in value.map { URLQueryItem(name: name, value: $0) } }
    }
}

/// One request as the journal kept it.
public struct RecordedRequest: Decodable, Sendable {
    public let id: Int
    /// Clock time (of the request's key) when it arrived.
    public let time: Double
    public let method: String
    public let path: String
    public let query: String?
    public let provider: String?
    public let endpoint: String?
    public let apiKey: String?
    public let headers: [String: String]
    /// UTF-8 text, or base64 when `bodyEncoding` says so; cut at the journal's body limit.
    public let body: String
    public let bodyEncoding: String
    public let bodySize: Int
    public let status: Int
    /// The scenario rule that decided the reply.
    public let rule: String?
}

/// A task, provider-neutral, as the admin API shows it.
public struct TaskInfo: Decodable, Sendable {
    public struct Failure: Decodable, Sendable, Equatable {
        public let code: String
        public let message: String

        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
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
    public let remixedFrom: String?
}

/// A refusal of the admin API: its status and message, and for a bad scenario the line and
/// column of what is wrong.
public struct AdminError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let message: String
    public let type: String?
    public let line: Int?
    public let column: Int?

    init(status: Int, body: Data) {
        struct Envelope: Decodable {
            struct Detail: Decodable {
                let message: String
                let type: String?
                let line: Int?
                let column: Int?
            }
            let error: Detail
        }
        let detail = try? JSONDecoder().decode(Envelope.self, from: body).error
        self.status = status
        message = detail?.message ?? String(decoding: body, as: UTF8.self)
        type = detail?.type
        line = detail?.line
        column = detail?.column
    }

    public var description: String { "admin API answered \(status): \(message)" }
}

/// A scenario in force.
public struct ScenarioInfo: Decodable, Sendable {
    public struct Rule: Decodable, Sendable {
        public let name: String
        /// Requests that met its conditions, and those it decided.
        public let matched: Int
        public let applied: Int
    }

    public let source: String
    /// The key it applies to; nil: everyone.
    public let scope: String?
    public let fromCommandLine: Bool
    public let rules: [Rule]
}

/// The verdict on a client (see the README for each code).
public struct VerdictReport: Decodable, Sendable {
    public struct Finding: Decodable, Sendable {
        public let code: String
        /// `error`, `warning` or `info`.
        public let severity: String
        public let apiKey: String
        public let provider: String
        public let task: String?
        public let message: String
        /// The first request that took part and the latest ones...
        public let evidence: [Evidence]
        /// ...of this many.
        public let evidenceTotal: Int
    }

    public struct Evidence: Decodable, Sendable {
        public let time: Double
        public let method: String
        public let path: String
        public let status: Int
        public let journalId: Int?
    }

    /// `pass`, `warn` or `fail`.
    public let verdict: String
    public let findings: [Finding]
    public let counts: [String: Int]
    public let tasks: Int
    public let requests: Int
    /// The codes the judge applied: all but those left out.
    public let judged: [String]

    /// The codes found, each once, sorted.
    public var codes: [String] { Set(findings.map(\.code)).sorted() }
}

struct Status: Decodable { let status: String }
struct ScenarioList: Decodable { let scenarios: [ScenarioInfo] }
struct Count: Decodable { let count: Int }
struct ScenarioLoaded: Decodable { let rules: Int }
struct RequestPage: Decodable { let requests: [RecordedRequest] }
struct TaskList: Decodable { let tasks: [TaskInfo] }
