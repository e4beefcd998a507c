import Admin
import HTTPServer
import JSON
import Providers
import VideoMockCore

/// Why VideoMock could not start.
public struct StartupError: Error, CustomStringConvertible {
    public let description: String
}

/// VideoMock assembled: engine, providers and admin API behind one router.
public final class Application: HTTPHandler {
    private enum Target: Sendable {
        case provider(any Provider, ProviderRoute, basePath: String)
        case admin(AdminAPI.Route)
        /// A bare `/v1` path that other providers serve under their own prefix.
        case elsewhere([String])
    }

    public let engine: Engine
    public let providers: [any Provider]
    private let router: Router
    /// What each route of `router` leads to, by route index.
    private let targets: [Target]
    private let authenticator: Authenticator
    private let bareProvider: String
    private let adminToken: String?

    public init(configuration: Configuration) throws {
        guard let fixtures = configuration.fixturesDirectory ?? FixturesLocator.locate() else {
            throw StartupError(description: "cannot find the fixtures directory (media/ and catalog/); pass --fixtures DIR")
        }
        guard FixturesLocator.isFixtures(fixtures) else {
            throw StartupError(description: "\(fixtures) is not a fixtures directory: it needs media/ and catalog/")
        }
        let builtIn = directoryEntries("\(fixtures)/catalog").filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
        let catalogs: CatalogSet
        do { catalogs = try CatalogSet.load(files: builtIn.map { "\(fixtures)/catalog/\($0)" } + configuration.catalogFiles) } catch {
            throw StartupError(description: error.description)
        }
        let media: MediaLibrary
        do { media = try MediaLibrary(fixturesDirectory: fixtures) } catch { throw StartupError(description: error.description) }
        var scenarios: [Scenario] = []
        for file in configuration.scenarioFiles {
            do { scenarios.append(try ScenarioLoader.load(file: file)) } catch { throw StartupError(description: error.description) }
        }
        engine = Engine(
            clock: Clock(mode: configuration.clock, timeScale: configuration.timeScale),
            catalogs: catalogs, media: media, ids: IDGenerator(seed: configuration.seed),
            scenarios: scenarios, journal: Journal(capacity: configuration.journalSize))
        adminToken = configuration.adminToken
        providers = [AIHubMix(engine: engine), Mixroute(engine: engine), Amux(engine: engine)]
        guard providers.contains(where: { $0.name == configuration.bareProvider }) else {
            throw StartupError(description: "unknown provider '\(configuration.bareProvider)'; known: \(providers.map(\.name).joined(separator: ", "))")
        }
        bareProvider = configuration.bareProvider
        authenticator = Authenticator(keys: Set(configuration.apiKeys))

        var router = Router()
        var targets: [Target] = []
        func add(_ method: String, _ path: String, _ target: Target) {
            router.add(method, path)
            targets.append(target)
        }
        for provider in providers {
            for route in provider.routes {
                if route.isPublic {
                    add(route.method, "/\(provider.name)\(route.path)", .provider(provider, route, basePath: "/\(provider.name)"))
                    continue
                }
                add(route.method, "/\(provider.name)/v1\(route.path)", .provider(provider, route, basePath: "/\(provider.name)/v1"))
            }
        }
        // Bare /v1 paths: the chosen provider's, then a pointer to the prefix for the others'.
        let bare = providers.first { $0.name == configuration.bareProvider }!
        for route in bare.routes where !route.isPublic {
            add(route.method, "/v1\(route.path)", .provider(bare, route, basePath: "/v1"))
        }
        var elsewhere: [(method: String, path: String, providers: [String])] = []
        for provider in providers where provider.name != bare.name {
            for route in provider.routes where !route.isPublic && !bare.routes.contains(where: { $0.method == route.method && Application.shape($0.path) == Application.shape(route.path) }) {
                if let index = elsewhere.firstIndex(where: { $0.method == route.method && $0.path == route.path }) {
                    elsewhere[index].providers.append(provider.name)
                } else {
                    elsewhere.append((route.method, route.path, [provider.name]))
                }
            }
        }
        for entry in elsewhere { add(entry.method, "/v1\(entry.path)", .elsewhere(entry.providers)) }
        for route in AdminAPI(engine: engine).routes {
            add(route.method, "/__admin\(route.path)", .admin(route))
        }
        self.router = router
        self.targets = targets
    }

    /// A path pattern with its parameter names dropped: `/videos/{}` for `/videos/{video_id}`.
    static func shape(_ path: String) -> String {
        path.split(separator: "/").map { $0.hasPrefix("{") ? "{}" : String($0) }.joined(separator: "/")
    }

    /// Every route served, as (method, path pattern).
    public var routes: [(method: String, path: String)] { router.routes.map { ($0.method, $0.pattern) } }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        switch router.match(method: request.method, path: request.path) {
        case .found(let index, let parameters):
            var request = request
            request.pathParameters = parameters
            switch targets[index] {
            case .admin(let route):
                return admin(route, request)
            case .elsewhere(let names):
                let path = String(request.path.dropFirst(3))
                let places = names.map { "/\($0)/v1\(path) (\($0))" }.joined(separator: " or ")
                return journaled(request, Application.error(
                    404, "\(request.method) /v1\(path) is not served by \(bareProvider), which serves the bare /v1 paths. Use \(places), or start with --provider \(names[0]).",
                    code: "unknown_path"))
            case .provider(let provider, let route, let basePath):
                return serve(request, provider, route, basePath: basePath)
            }
        case .methodNotAllowed(let allowed):
            var response = Application.error(405, "Method \(request.method) is not allowed on \(request.path); use \(allowed.joined(separator: ", ")).", code: "method_not_allowed")
            response.headers.set("Allow", allowed.joined(separator: ", "))
            return journaled(request, response)
        case .notFound:
            let prefixes = providers.map { "/\($0.name)/v1" } + ["/v1 (\(bareProvider))", "/__admin"]
            return journaled(request, Application.error(
                404, "No route for \(request.method) \(String(request.path.prefix(200))). Known prefixes: \(prefixes.joined(separator: ", ")).",
                code: "unknown_path"))
        }
    }

    /// A provider request: authenticated, put to the scenarios, answered, journaled.
    private func serve(_ request: HTTPRequest, _ provider: any Provider, _ route: ProviderRoute, basePath: String) -> HTTPResponse {
        var key = ""
        if !route.isPublic {
            switch authenticator.key(of: request) {
            case .failure(let error):
                return journaled(request, provider.render(error), provider: provider.name, endpoint: route.endpoint)
            case .success(let token): key = token
            }
        }
        var providerRequest = ProviderRequest(http: request, apiKey: key, basePath: basePath)
        var facts = RequestFacts(provider: provider.name, endpoint: route.endpoint.rawValue, apiKey: key, headers: request.headers.fields)
        if engine.scenarios.hasRules {
            if route.endpoint == .create || route.endpoint == .remix { providerRequest.parseBody() }
            (facts.model, facts.prompt) = provider.subject(of: providerRequest, endpoint: route.endpoint)
        }
        let decision = engine.decide(facts)
        if route.endpoint == .create || route.endpoint == .remix { providerRequest.plan = decision.plan }
        var response: HTTPResponse
        if let reply = decision.reply, let status = reply.status {
            response = Application.scripted(reply, status: status, provider: provider)
        } else {
            response = route.handler(providerRequest)
        }
        if let reply = decision.reply {
            for (name, value) in reply.headers { response.headers.set(name, value) }
            response.delayMilliseconds = Int((reply.delay * 1000).rounded())
            response.fault = reply.fault.flatMap(HTTPResponse.Fault.init(rawValue:))
        }
        return journaled(request, response, provider: provider.name, endpoint: route.endpoint, apiKey: route.isPublic ? nil : key, rule: decision.rule)
    }

    /// A reply a scenario scripted: its body as JSON or text, or the provider's error envelope.
    static func scripted(_ reply: Reply, status: Int, provider: any Provider) -> HTTPResponse {
        switch reply.body {
        case .string(let text)?:
            return HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", bytes: Array(text.utf8))
        case let body?:
            return .json(body, status: status)
        case nil:
            var response = provider.render(APIError.scripted(status: status))
            response.status = status
            return response
        }
    }

    private func admin(_ route: AdminAPI.Route, _ request: HTTPRequest) -> HTTPResponse {
        if let adminToken, request.bearerToken != adminToken, request.headers["X-Admin-Token"] != adminToken {
            var response = AdminAPI.error(401, "The admin API needs the admin token: send 'Authorization: Bearer TOKEN' or 'X-Admin-Token: TOKEN'.")
            response.headers.set("WWW-Authenticate", "Bearer")
            return response
        }
        return route.handler(request)
    }

    /// Records the request and its reply status in the journal, and returns the reply.
    private func journaled(
        _ request: HTTPRequest, _ response: HTTPResponse, provider: String? = nil, endpoint: Endpoint? = nil, apiKey: String? = nil, rule: String? = nil
    ) -> HTTPResponse {
        engine.journal.record(JournalEntry(
            time: engine.clock.now(), method: request.method, path: String(request.path), query: request.queryString.map(String.init),
            provider: provider, endpoint: endpoint?.rawValue, apiKey: apiKey ?? request.bearerToken, headers: request.headers.fields,
            body: request.body, bodyLimit: engine.journal.bodyLimit, status: response.status, rule: rule))
        return response
    }

    /// An error in the OpenAI-style envelope, for replies outside any provider.
    static func error(_ status: Int, _ message: String, code: String) -> HTTPResponse {
        .json(APIError(status: status, message: message, code: code).openAIEnvelope, status: status)
    }

    /// The HTTP layer's own refusals (413, 431, bad framing) in the same envelope.
    static let protocolError: @Sendable (Int, String) -> HTTPResponse = { status, message in
        let code: String =
            switch status {
            case 413: "request_too_large"
            case 431: "headers_too_large"
            default: "bad_request"
            }
        return error(status, message, code: code)
    }
}

/// A running VideoMock server.
public final class VideoMockServer: Sendable {
    public let application: Application
    public let http: HTTPServer

    /// Loads everything, binds and starts serving on `configuration.threads` loops.
    public init(configuration: Configuration) throws {
        application = try Application(configuration: configuration)
        do {
            http = try HTTPServer(
                host: configuration.host, port: configuration.port,
                configuration: HTTPServerConfiguration(
                    maxBodyBytes: configuration.maxBodyBytes, idleTimeoutSeconds: configuration.idleTimeoutSeconds,
                    errorResponse: Application.protocolError),
                handler: application)
        } catch { throw StartupError(description: "\(error)") }
        http.start(threads: configuration.threads)
    }

    /// `http://HOST:PORT`, with IPv6 hosts in brackets.
    public var url: String {
        let host = http.host.contains(":") ? "[\(http.host)]" : http.host
        return "http://\(host):\(http.port)"
    }
}
