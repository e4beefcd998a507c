import HTTPServer
import JSON
import Testing
import VideoMockCore

@testable import Admin

@Suite("Admin API handlers")
struct AdminAPITests {
    static let fixtures: String = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path + "/Fixtures"
    }()

    let engine: Engine
    let admin: AdminAPI

    init() throws {
        engine = Engine(
            clock: Clock(mode: .manual), catalogs: CatalogSet(), media: try MediaLibrary(fixturesDirectory: Self.fixtures),
            ids: IDGenerator(seed: 1), journal: Journal(capacity: 10))
        admin = AdminAPI(engine: engine)
    }

    func call(_ method: String, _ path: String, query: String = "", body: String = "") throws -> (status: Int, json: JSON) {
        let route = try #require(admin.routes.first { $0.method == method && $0.path == path })
        let response = route.handler(HTTPRequest(method: HTTPMethod(method), target: "/__admin\(path)\(query)", body: Array(body.utf8)))
        guard let bytes = response.body.bytes else { return (response.status, .null) }
        return (response.status, try JSON.parse(bytes))
    }

    @Test("clock moves refuse bad bodies in the admin envelope, and leave the clock alone")
    func clockRefusals() throws {
        let before = engine.clock.now()
        for (path, body, message) in [
            ("/clock/advance", "", "The body must be JSON like {\"seconds\": 60}."),
            ("/clock/advance", #"{"seconds": "soon"}"#, "'seconds' must be a number, e.g. {\"seconds\": 60}."),
            ("/clock/advance", #"{"seconds": -1}"#, "'seconds' must be zero or more: the clock only moves forward."),
            ("/clock/set", #"{"now": -5}"#, "'now' must be a Unix time in seconds, from 0 to 95617584000."),
        ] {
            let answer = try call("POST", path, body: body)
            #expect(answer.status == 400)
            #expect(answer.json["error"]?["type"] == "admin_error")
            #expect(answer.json["error"]?["message"] == .string(message))
        }
        #expect(engine.clock.now() == before)
        let moved = try call("POST", "/clock/advance", body: #"{"seconds": 90}"#)
        #expect(moved.json["now"] == .double(before + 90))
    }

    @Test("journal filters refuse words that name no endpoint or provider, listing those that do")
    func filterWords() throws {
        let endpoint = try call("GET", "/requests", query: "?endpoint=upload")
        #expect(endpoint.status == 400)
        #expect(
            endpoint.json["error"]?["message"]
                == "Unknown endpoint 'upload'; expected one of: create, retrieve, content, delete, list, remix.")
        let provider = try call("GET", "/requests/count", query: "?provider=openai")
        #expect(provider.status == 400)
        #expect(provider.json["error"]?["message"] == "Unknown provider 'openai'; expected one of: aihubmix, mixroute, amux.")
        #expect(try call("GET", "/requests/count", query: "?provider=amux&endpoint=create").json == ["count": 0])
    }

    @Test("a bad scenario gets its line and column, and the rules in force stay")
    func badScenario() throws {
        #expect(try call("POST", "/scenarios", body: "version: 1\nrules:\n  - respond: { status: 503 }\n").status == 200)
        let refused = try call("POST", "/scenarios", body: "version: 1\nrules:\n  - respond: { fault: explode }\n")
        #expect(refused.status == 400)
        #expect(refused.json["error"]?["type"] == "invalid_scenario")
        #expect(refused.json["error"]?["line"] == 3)
        #expect(
            refused.json["error"]?["message"]?.string?.contains("unknown fault 'explode'; expected one of: reset, empty, truncate") == true)
        #expect(engine.scenarios.hasRules)
    }

    @Test("forcing an unknown task answers 404 in the admin envelope")
    func unknownTask() throws {
        let route = try #require(admin.routes.first { $0.path == "/tasks/{id}/fail" })
        var request = HTTPRequest(method: "POST", target: "/__admin/tasks/nope/fail", body: Array(#"{"code": 5}"#.utf8))
        request.pathParameters = ["id": "nope"]
        let response = route.handler(request)
        #expect(response.status == 400)
        request.body = []
        #expect(route.handler(request).status == 404)
    }
}
