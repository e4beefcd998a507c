import AdminContract
import HTTPServer
import JSON
import Locking
import VideoMockCore

/// The `/__admin` API that integration tests use to inspect and steer the engine. JSON in and
/// out; `?api_key=K` scopes scenarios, the journal, tasks and reset to one key.
package struct AdminAPI: Sendable {
    package struct Route: Sendable {
        package let method: String
        /// The path after `/__admin`.
        package let path: String
        package let handler: @Sendable (HTTPRequest) -> HTTPResponse
        /// Served without the admin token: the dashboard's page, which asks for it, and the
        /// exchange of the token for a session cookie.
        package let isPublic: Bool

        /// A route whose handler throws its refusals, rendered in the admin envelope.
        init(
            _ method: String, _ path: String, isPublic: Bool = false,
            _ handler: @escaping @Sendable (HTTPRequest) throws(AdminError) -> HTTPResponse
        ) {
            self.method = method
            self.path = path
            self.isPublic = isPublic
            self.handler = { request in
                do throws(AdminError) { return try handler(request) } catch { return error.response }
            }
        }
    }

    let engine: Engine
    /// With a token, every route but the public ones needs it: as `Authorization: Bearer`,
    /// `X-Admin-Token`, or the session cookie the dashboard gets for it.
    let token: String?
    /// The OpenAPI document, read from the fixtures on first request.
    private let openAPI = Cache()

    private final class Cache: Sendable {
        let bytes = Locked<[UInt8]?>(nil)
    }

    /// What `--record` has written and how `--replay` has matched, when they are in use.
    let recording: (@Sendable () -> RecordingSummary)?
    let replay: (@Sendable () -> ReplaySummary)?

    package init(
        engine: Engine, token: String? = nil, recording: (@Sendable () -> RecordingSummary)? = nil,
        replay: (@Sendable () -> ReplaySummary)? = nil
    ) {
        self.engine = engine
        self.token = token
        self.recording = recording
        self.replay = replay
    }

    static let cookieName = "videomock_admin"

    /// Whether `request` may use `route`.
    package func authorizes(_ request: HTTPRequest, for route: Route) -> Bool {
        guard let token, !route.isPublic else { return true }
        return request.bearerToken == token || request.headers[.adminToken] == token || request.cookie(Self.cookieName) == token
    }

    /// The refusal of a request without the token.
    package static var unauthorized: HTTPResponse {
        var response = AdminError(
            401, "The admin API needs the admin token: send 'Authorization: Bearer TOKEN' or 'X-Admin-Token: TOKEN'."
        ).response
        response.headers.set("WWW-Authenticate", "Bearer")
        return response
    }

    /// The dashboard trades the token for a session cookie, which its `<video>` elements and
    /// polling send by themselves (they cannot send an `Authorization` header).
    func session(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        guard let token else { return .answer(Done()) }
        guard let body = try? JSON.parse(request.body), let given = body["token"]?.string else {
            throw AdminError(400, "The body must be JSON like {\"token\": \"...\"}.")
        }
        guard given == token else { throw AdminError(401, "That is not the admin token.") }
        var response = HTTPResponse.answer(Done())
        response.headers.set("Set-Cookie", "\(Self.cookieName)=\(token); Path=/__admin; HttpOnly; SameSite=Strict")
        return response
    }

    package var routes: [Route] {
        [
            Route("GET", "/health") { _ in .answer(Health(version: videoMockVersion)) },
            Route("GET", "/openapi.json") { _ throws(AdminError) in try openAPIDocument() },
            Route("POST", "/reset", reset),
            Route("GET", "/clock") { request in clockJSON(key: request.query["api_key"]) },
            Route("POST", "/clock/advance", advance),
            Route("POST", "/clock/set", setClock),
            Route("GET", "/scenarios", scenarios),
            Route("POST", "/scenarios", loadScenario),
            Route("DELETE", "/scenarios", clearScenarios),
            Route("GET", "/requests", requests),
            Route("DELETE", "/requests", clearRequests),
            Route("GET", "/requests/count", countRequests),
            Route("GET", "/tasks", tasks),
            Route("GET", "/tasks/count", countTasks),
            Route("GET", "/tasks/{id}", task),
            Route("POST", "/tasks/{id}/complete", complete),
            Route("POST", "/tasks/{id}/fail", fail),
            Route("GET", "/verdict") { request in .answer(engine.verdict(for: request.query["api_key"]).report) },
            Route("GET", "/tasks/{id}/media", media),
            Route("GET", "/recording") { _ in .answer(recording?() ?? .inactive) },
            Route("GET", "/replay") { _ in .answer(replay?() ?? .inactive) },
            Route("GET", "/ui", isPublic: true) { _ in Dashboard.page },
            Route("POST", "/session", isPublic: true, session),
        ]
    }

    /// `openapi.yaml` from the fixtures, as JSON.
    func openAPIDocument() throws(AdminError) -> HTTPResponse {
        if let cached = openAPI.bytes.withLock({ $0 }) { return HTTPResponse(status: 200, contentType: "application/json", bytes: cached) }
        let path = "\(engine.media.directory)/openapi.yaml"
        do {
            let bytes = try DocumentNode.parse(yaml: try readTextFile(path), file: path).json.bytes
            openAPI.bytes.withLock { $0 = bytes }
            return HTTPResponse(status: 200, contentType: "application/json", bytes: bytes)
        } catch {
            throw AdminError(500, "The OpenAPI document could not be read: \(error)")
        }
    }

    // MARK: Reset and clock

    func reset(_ request: HTTPRequest) -> HTTPResponse {
        engine.reset(apiKey: request.query["api_key"])
        return .answer(Done())
    }

    /// The clock as `key` (nil: the server) sees it.
    func clockJSON(key: String?) -> HTTPResponse {
        .answer(
            ClockState(
                mode: engine.clock.mode.rawValue, now: engine.clock.now(for: key), timeScale: engine.clock.timeScale, apiKey: key,
                offset: key.map { engine.clock.offset(for: $0) }))
    }

    /// Moves the server's clock, or with `?api_key=K` only that key's.
    func advance(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        let key = request.query["api_key"]
        let seconds = try number("seconds", in: request, example: #"{"seconds": 60}"#)
        guard seconds >= 0 else { throw AdminError(400, "'seconds' must be zero or more: the clock only moves forward.") }
        guard engine.clock.now(for: key) + seconds <= Clock.latest else {
            throw AdminError(400, "'seconds' would move the clock past the year 5000.")
        }
        engine.clock.advance(by: seconds, for: key)
        return clockJSON(key: key)
    }

    /// Sets the server's clock, or with `?api_key=K` only that key's.
    func setClock(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        let key = request.query["api_key"]
        let now = try number("now", in: request, example: #"{"now": 1767225600}"#)
        guard now >= 0, now <= Clock.latest else {
            throw AdminError(400, "'now' must be a Unix time in seconds, from 0 to \(Int(Clock.latest)).")
        }
        engine.clock.set(to: now, for: key)
        return clockJSON(key: key)
    }

    // MARK: Scenarios

    func scenarios(_ request: HTTPRequest) -> HTTPResponse {
        .answer(ScenarioList(engine.scenarios.describe(scope: request.query["api_key"])))
    }

    /// Loads a YAML or JSON scenario, replacing the one loaded before for the same scope; a bad
    /// one is refused with its line and column, and the rules in force stay.
    func loadScenario(_ request: HTTPRequest) throws(AdminError) -> HTTPResponse {
        let scope = request.query["api_key"]
        let source = scope.map { "scenario for \($0)" } ?? "scenario"
        guard let text = String(validating: request.body, as: UTF8.self), !text.isEmpty else {
            throw AdminError(400, "The body must be a YAML or JSON scenario (version: 1).")
        }
        do {
            let scenario = try ScenarioLoader.parse(text, source: source)
            engine.scenarios.load(scenario, scope: scope)
            return .answer(ScenarioLoaded(rules: scenario.rules.count, scope: scope))
        } catch {
            let body = AdminErrorBody(message: error.description, type: "invalid_scenario", line: error.line, column: error.column)
            return .answer(body, status: 400)
        }
    }

    func clearScenarios(_ request: HTTPRequest) -> HTTPResponse {
        engine.scenarios.clear(scope: request.query["api_key"])
        return .answer(Done())
    }

    // MARK: Helpers

    /// A number field of the JSON body, or a 400 showing an `example` body.
    func number(_ name: String, in request: HTTPRequest, example: String) throws(AdminError) -> Double {
        guard let body = try? JSON.parse(request.body) else { throw AdminError(400, "The body must be JSON like \(example).") }
        guard let value = body[name]?.number, value.isFinite else { throw AdminError(400, "'\(name)' must be a number, e.g. \(example).") }
        return value
    }
}
