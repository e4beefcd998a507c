import HTTPServer
import JSON
import Synchronization
import VideoMockCore

/// The `/__admin` API that integration tests use to inspect and steer the engine. JSON in and
/// out; `?api_key=K` scopes scenarios, the journal, tasks and reset to one key.
public struct AdminAPI: Sendable {
    public struct Route: Sendable {
        public let method: String
        /// The path after `/__admin`.
        public let path: String
        public let handler: @Sendable (HTTPRequest) -> HTTPResponse
    }

    let engine: Engine
    /// The OpenAPI document, read from the fixtures on first request.
    private let openAPI = Cache()

    private final class Cache: Sendable {
        let bytes = Mutex<[UInt8]?>(nil)
    }

    public init(engine: Engine) { self.engine = engine }

    public var routes: [Route] {
        [
            Route(method: "GET", path: "/health", handler: { _ in .json(["status": "ok"]) }),
            Route(method: "GET", path: "/openapi.json", handler: { _ in openAPIDocument() }),
            Route(method: "POST", path: "/reset", handler: reset),
            Route(method: "GET", path: "/clock", handler: { _ in clockJSON() }),
            Route(method: "POST", path: "/clock/advance", handler: advance),
            Route(method: "POST", path: "/clock/set", handler: setClock),
            Route(method: "GET", path: "/scenarios", handler: scenarios),
            Route(method: "POST", path: "/scenarios", handler: loadScenario),
            Route(method: "DELETE", path: "/scenarios", handler: clearScenarios),
            Route(method: "GET", path: "/requests", handler: requests),
            Route(method: "DELETE", path: "/requests", handler: clearRequests),
            Route(method: "GET", path: "/requests/count", handler: countRequests),
            Route(method: "GET", path: "/tasks", handler: tasks),
            Route(method: "GET", path: "/tasks/count", handler: countTasks),
            Route(method: "GET", path: "/tasks/{id}", handler: task),
            Route(method: "POST", path: "/tasks/{id}/complete", handler: complete),
            Route(method: "POST", path: "/tasks/{id}/fail", handler: fail),
        ]
    }

    // MARK: OpenAPI

    /// `openapi.yaml` from the fixtures, as JSON.
    func openAPIDocument() -> HTTPResponse {
        if let cached = openAPI.bytes.withLock({ $0 }) { return HTTPResponse(status: 200, contentType: "application/json", bytes: cached) }
        let path = "\(engine.media.directory)/openapi.yaml"
        do {
            let bytes = try DocumentNode.parse(yaml: try readTextFile(path), file: path).json.bytes
            openAPI.bytes.withLock { $0 = bytes }
            return HTTPResponse(status: 200, contentType: "application/json", bytes: bytes)
        } catch {
            return AdminAPI.error(500, "The OpenAPI document could not be read: \(error)")
        }
    }

    // MARK: Reset and clock

    func reset(_ request: HTTPRequest) -> HTTPResponse {
        engine.reset(apiKey: request.query["api_key"])
        return .json(["status": "ok"])
    }

    func clockJSON() -> HTTPResponse {
        .json(["mode": .string(engine.clock.mode.rawValue), "now": .double(engine.clock.now()), "time_scale": .double(engine.clock.timeScale)])
    }

    func advance(_ request: HTTPRequest) -> HTTPResponse {
        switch number("seconds", in: request, example: #"{"seconds": 60}"#) {
        case .failure(let failure): return failure.response
        case .success(let seconds):
            guard seconds >= 0 else { return AdminAPI.error(400, "'seconds' must be zero or more: the clock only moves forward.") }
            guard engine.clock.now() + seconds <= Clock.latest else {
                return AdminAPI.error(400, "'seconds' would move the clock past the year 5000.")
            }
            engine.clock.advance(by: seconds)
            return clockJSON()
        }
    }

    func setClock(_ request: HTTPRequest) -> HTTPResponse {
        switch number("now", in: request, example: #"{"now": 1767225600}"#) {
        case .failure(let failure): return failure.response
        case .success(let now):
            guard now >= 0, now <= Clock.latest else { return AdminAPI.error(400, "'now' must be a Unix time in seconds, from 0 to \(Int(Clock.latest)).") }
            engine.clock.set(to: now)
            return clockJSON()
        }
    }

    // MARK: Scenarios

    func scenarios(_ request: HTTPRequest) -> HTTPResponse {
        .json(["scenarios": engine.scenarios.describe(scope: request.query["api_key"])])
    }

    /// Loads a YAML or JSON scenario, replacing the one loaded before for the same scope; a bad
    /// one is refused with its line and column, and the rules in force stay.
    func loadScenario(_ request: HTTPRequest) -> HTTPResponse {
        let scope = request.query["api_key"]
        let source = scope.map { "scenario for \($0)" } ?? "scenario"
        guard let text = String(validating: request.body, as: UTF8.self), !text.isEmpty else {
            return AdminAPI.error(400, "The body must be a YAML or JSON scenario (version: 1).")
        }
        do {
            let scenario = try ScenarioLoader.parse(text, source: source)
            engine.scenarios.load(scenario, scope: scope)
            return .json(["status": "ok", "rules": .int(scenario.rules.count), "scope": JSON(scope)])
        } catch {
            return .json(
                ["error": ["message": .string(error.description), "type": "invalid_scenario", "line": .int(error.line), "column": .int(error.column)]],
                status: 400)
        }
    }

    func clearScenarios(_ request: HTTPRequest) -> HTTPResponse {
        engine.scenarios.clear(scope: request.query["api_key"])
        return .json(["status": "ok"])
    }

    // MARK: Journal

    func filter(_ request: HTTPRequest) -> Result<JournalFilter, AdminFailure> {
        let query = request.query
        var filter = JournalFilter()
        filter.method = query["method"]
        filter.path = query["path"]
        filter.provider = query["provider"]
        filter.endpoint = query["endpoint"]
        filter.apiKey = query["api_key"]
        if let since = query["since"] {
            guard let value = Double(since) else { return AdminFailure.result(AdminAPI.error(400, "'since' must be a Unix time in seconds, got '\(since)'.")) }
            filter.since = value
        }
        return .success(filter)
    }

    func requests(_ request: HTTPRequest) -> HTTPResponse {
        switch filter(request) {
        case .failure(let failure): return failure.response
        case .success(let filter):
            let entries = engine.journal.entries(filter)
            return .json(["requests": .array(entries.map { $0.entry.json(id: $0.id) }), "count": .int(entries.count)])
        }
    }

    func countRequests(_ request: HTTPRequest) -> HTTPResponse {
        switch filter(request) {
        case .failure(let failure): return failure.response
        case .success(let filter): return .json(["count": .int(engine.journal.count(filter))])
        }
    }

    func clearRequests(_ request: HTTPRequest) -> HTTPResponse {
        engine.journal.clear(apiKey: request.query["api_key"])
        return .json(["status": "ok"])
    }

    // MARK: Tasks

    func tasks(_ request: HTTPRequest) -> HTTPResponse {
        let all = engine.tasks(owner: request.query["api_key"]).filter { request.query["provider"] == nil || $0.record.provider == request.query["provider"] }
        return .json(["tasks": .array(all.map(AdminAPI.taskJSON))])
    }

    func countTasks(_ request: HTTPRequest) -> HTTPResponse {
        .json(["count": .int(engine.store.count(owner: request.query["api_key"]))])
    }

    func task(_ request: HTTPRequest) -> HTTPResponse {
        taskReply { () throws(TaskError) in try engine.task(id: request.pathParameters["id"] ?? "") }
    }

    func complete(_ request: HTTPRequest) -> HTTPResponse {
        taskReply { () throws(TaskError) in try engine.force(id: request.pathParameters["id"] ?? "", .complete) }
    }

    func fail(_ request: HTTPRequest) -> HTTPResponse {
        var code = "generation_failed", message = "Video generation failed"
        if !request.body.isEmpty {
            guard let body = try? JSON.parse(request.body), body.object != nil else {
                return AdminAPI.error(400, "The body must be JSON like {\"code\": \"content_policy_violation\", \"message\": \"...\"}.")
            }
            if let given = body["code"] {
                guard let text = given.string else { return AdminAPI.error(400, "'code' must be a string.") }
                code = text
            }
            if let given = body["message"] {
                guard let text = given.string else { return AdminAPI.error(400, "'message' must be a string.") }
                message = text
            }
        }
        return taskReply { () throws(TaskError) in try engine.force(id: request.pathParameters["id"] ?? "", .fail(code: code, message: message)) }
    }

    private func taskReply(_ body: () throws(TaskError) -> TaskSnapshot) -> HTTPResponse {
        do { return .json(AdminAPI.taskJSON(try body())) } catch {
            return AdminAPI.error(404, "No task with that id.")
        }
    }

    /// A task, provider-neutral.
    static func taskJSON(_ s: TaskSnapshot) -> JSON {
        [
            "id": .string(s.id), "provider": .string(s.record.provider), "api_key": .string(s.record.owner),
            "model": .string(s.spec.model), "prompt": .string(s.spec.prompt), "status": .string(s.phase.rawValue),
            "progress": .int(s.progress), "created_at": .double(s.createdAt), "completed_at": s.completedAt.map(JSON.double) ?? .null,
            "expires_at": s.expiresAt.map(JSON.double) ?? .null, "expired": .bool(s.isExpired),
            "error": s.failure.map { ["code": .string($0.code), "message": .string($0.message)] } ?? .null,
            "duration": .int(s.spec.duration), "width": .int(s.spec.dimensions.width), "height": .int(s.spec.dimensions.height),
            "has_audio": .bool(s.spec.hasAudio), "parameters": .object(s.spec.parameters), "remixed_from": JSON(s.spec.remixOf),
        ]
    }

    // MARK: Helpers

    private func number(_ name: String, in request: HTTPRequest, example: String) -> Result<Double, AdminFailure> {
        guard let body = try? JSON.parse(request.body) else {
            return AdminFailure.result(AdminAPI.error(400, "The body must be JSON like \(example)."))
        }
        guard let value = body[name]?.number, value.isFinite else {
            return AdminFailure.result(AdminAPI.error(400, "'\(name)' must be a number, e.g. \(example)."))
        }
        return .success(value)
    }

    /// `{"error":{"message","type"}}` with the admin API's own type.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json(["error": ["message": .string(message), "type": "admin_error"]], status: status)
    }
}

/// An error reply, carried where a Result needs an Error.
struct AdminFailure: Error {
    let response: HTTPResponse

    static func result<T>(_ response: HTTPResponse) -> Result<T, AdminFailure> { .failure(AdminFailure(response: response)) }
}
