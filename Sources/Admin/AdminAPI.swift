import HTTPServer
import JSON
import VideoMockCore

/// The `/__admin` API that tests use to inspect and steer the engine.
public struct AdminAPI: Sendable {
    public struct Route: Sendable {
        public let method: String
        /// The path after `/__admin`.
        public let path: String
        public let handler: @Sendable (HTTPRequest) -> HTTPResponse
    }

    let engine: Engine

    public init(engine: Engine) { self.engine = engine }

    public var routes: [Route] {
        [
            Route(method: "GET", path: "/health", handler: { _ in .json(["status": "ok"]) }),
            Route(method: "POST", path: "/reset", handler: { _ in reset() }),
            Route(method: "GET", path: "/clock", handler: { _ in clockJSON() }),
            Route(method: "POST", path: "/clock/advance", handler: advance),
        ]
    }

    func reset() -> HTTPResponse {
        engine.reset()
        return .json(["status": "ok"])
    }

    func clockJSON() -> HTTPResponse {
        .json([
            "mode": .string(engine.clock.mode.rawValue),
            "now": .double(engine.clock.now()),
            "time_scale": .double(engine.clock.timeScale),
        ])
    }

    func advance(_ request: HTTPRequest) -> HTTPResponse {
        let seconds: Double
        switch Result(catching: { () throws(JSONParseError) in try JSON.parse(request.body) }) {
        case .failure(let error):
            return AdminAPI.error(400, "The body must be JSON like {\"seconds\": 60}: \(error.description).")
        case .success(let body):
            guard let value = body["seconds"]?.number, value.isFinite, value >= 0 else {
                return AdminAPI.error(400, "'seconds' must be a number of seconds, zero or more, e.g. {\"seconds\": 60}.")
            }
            seconds = value
        }
        engine.clock.advance(by: seconds)
        return clockJSON()
    }

    /// `{"error":{"message","type"}}` with the admin API's own type.
    public static func error(_ status: Int, _ message: String) -> HTTPResponse {
        .json(["error": ["message": .string(message), "type": "admin_error"]], status: status)
    }
}

extension HTTPResponse {
    static func json(_ value: JSON, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json", bytes: value.bytes)
    }
}
