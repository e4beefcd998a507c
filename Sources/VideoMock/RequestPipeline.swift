import Admin
import AdminContract
import Glibc
import HTTPServer
import JSON
import Providers
import Recording
import VideoMockCore

/// Every request's path through VideoMock: route, authenticate, let the scenarios decide,
/// handle (or answer as scripted), journal.
final class RequestPipeline: HTTPHandler {
    let engine: Engine
    let routeTable: RouteTable
    private let adminAPI: AdminAPI
    private let authenticator: Authenticator
    private let bareProvider: ProviderID
    /// Whether `X-VideoMock-*` request headers may shape replies.
    private let headerOverrides: Bool
    /// The real gateways proxied to, when any.
    let upstreams: Upstreams?
    /// The recording served again, when any, and whether what it does not match is refused.
    let replay: Replay?
    let replayStrict: Bool

    init(_ startup: Startup, configuration: Configuration) {
        engine = startup.engine
        upstreams = startup.upstreams
        replay = startup.replay
        replayStrict = configuration.replayStrict
        bareProvider = configuration.bareProvider.id
        var recording: (@Sendable () -> RecordingSummary)?
        if let recorder = startup.upstreams?.recorder { recording = { recorder.summary } }
        var replaying: (@Sendable () -> ReplaySummary)?
        if let replay = startup.replay { replaying = { replay.summary } }
        adminAPI = AdminAPI(engine: engine, token: configuration.adminToken, recording: recording, replay: replaying)
        routeTable = RouteTable(providers: startup.providers, bare: bareProvider, admin: adminAPI)
        authenticator = Authenticator(keys: Set(configuration.apiKeys))
        headerOverrides = configuration.headerOverrides
    }

    /// Every route served, as (method, path pattern).
    var routes: [(method: String, path: String)] { routeTable.routes }

    func respond(to request: consuming HTTPRequest) -> HTTPResponse {
        if let upstreams, let (target, path) = upstreams.target(for: request.path) {
            return proxy(request, to: target, path: path, tls: upstreams.tls, recorder: upstreams.recorder)
        }
        switch routeTable.match(method: request.method, path: request.path) {
        case .found(let target, let parameters):
            request.pathParameters = parameters
            switch target {
            case .admin(let route):
                return admin(route, request)
            case .elsewhere(let providers):
                return journaled(request, elsewhere(request, providers))
            case .provider(let endpoint):
                return serve(request, endpoint.provider, endpoint.route, basePath: endpoint.basePath)
            }
        case .methodNotAllowed(let allowed):
            let message = "Method \(request.method) is not allowed on \(request.path); use \(allowed.joined(separator: ", "))."
            var response = Self.error(405, message, code: "method_not_allowed")
            response.headers.set("Allow", allowed.joined(separator: ", "))
            return journaled(request, response)
        case .notFound:
            let prefixes = ProviderID.allCases.map { "/\($0.rawValue)/v1" } + ["/v1 (\(bareProvider.rawValue))", "/__admin"]
            let message =
                "No route for \(request.method) \(String(request.path.prefix(200))). Known prefixes: \(prefixes.joined(separator: ", "))."
            return journaled(request, Self.error(404, message, code: "unknown_path"))
        }
    }

    /// A provider request: authenticated, put to the scenarios, answered, journaled.
    private func serve(_ request: consuming HTTPRequest, _ provider: any Provider, _ route: ProviderRoute, basePath: String) -> HTTPResponse
    {
        var key = ""
        if !route.isPublic {
            switch authenticator.key(of: request) {
            case .failure(let error):
                let response = provider.render(error)
                let journalID = record(request, response, provider: provider.name, endpoint: route.endpoint, apiKey: nil, rule: nil)
                let providerRequest = ProviderRequest(http: request, apiKey: "", basePath: basePath)
                observe(
                    providerRequest, ProviderReply(response), provider, route, key: providerRequest.http.bearerToken, journalID: journalID,
                    taskID: provider.taskID(in: providerRequest))
                return response
            case .success(let token): key = token
            }
        }
        var providerRequest = ProviderRequest(http: request, apiKey: key, basePath: basePath)
        // Parsed once, for the scenarios, the handler and the verdict.
        if route.endpoint.describesTask { providerRequest.parseBody() }
        // Without rules, only a create needs the scenarios: for the plan of its task.
        var decision: Decision?
        let hasRules = engine.scenarios.hasRules
        if hasRules || route.endpoint.describesTask {
            var facts = RequestFacts(provider: provider.name, endpoint: route.endpoint, apiKey: key, headers: [])
            if hasRules {
                facts.headers = providerRequest.http.headers.fields
                if route.endpoint.describesTask { facts.fields = try? providerRequest.fields() }
                (facts.model, facts.prompt) = provider.subject(of: providerRequest, endpoint: route.endpoint)
                facts.query = providerRequest.http.query
                facts.time = engine.clock.now(for: key)
            }
            decision = engine.decide(facts)
        }
        if route.endpoint.describesTask { providerRequest.plan = decision?.plan }
        providerRequest.corruptMedia = decision?.reply?.corrupt ?? false
        var reply = decision?.reply, rule = decision?.rule
        var outcome: ProviderReply
        do throws(APIError) {
            if headerOverrides, let override = try HeaderOverride.reply(for: providerRequest.http, over: reply) {
                reply = override
                rule = HeaderOverride.ruleName
            }
            if let reply, let status = reply.status {
                outcome = ProviderReply(Self.scripted(reply, status: status, provider: provider))
            } else if let replay, let replayed = replayed(&providerRequest, provider, route, replay: replay) {
                outcome = replayed
            } else {
                outcome = route.handler(providerRequest)
            }
        } catch {
            outcome = ProviderReply(provider.render(error))
            reply = nil
        }
        if let reply {
            for (name, value) in reply.headers { outcome.response.headers.set(name, value) }
            outcome.response.delayMilliseconds = Int((reply.delay * 1000).rounded())
            outcome.response.fault = reply.fault.map(HTTPResponse.Fault.init)
            outcome.response.throttle = reply.throttle
            outcome.response.cut = reply.cut.map(HTTPResponse.Cut.init)
        }
        // What the handler said of its reply holds unless the reply's headers were scripted.
        if outcome.task == nil || reply?.headers.isEmpty == false {
            outcome.pollAfterMilliseconds = outcome.response.headers["openai-poll-after-ms"].flatMap { Int($0) }
        }
        let owner = route.isPublic ? nil : key
        let taskID = Self.task(of: providerRequest, outcome, provider, route.endpoint)
        let journalID = record(
            providerRequest.http, outcome.response, provider: provider.name, endpoint: route.endpoint, apiKey: owner, rule: rule,
            task: taskID,
            pollAfterMilliseconds: outcome.pollAfterMilliseconds)
        observe(providerRequest, outcome, provider, route, key: owner, journalID: journalID, taskID: taskID)
        return outcome.response
    }

    /// Tells the verdict what the client asked and was answered. The task a status read showed
    /// comes with the reply; a download's (and a read the handler did not answer) is the one last
    /// shown to the client. `shown` is the task as a proxied reply showed it.
    func observe(
        _ request: ProviderRequest, _ outcome: ProviderReply, _ provider: any Provider, _ route: ProviderRoute, key: String?,
        journalID: Int?, taskID: String?, shown proxied: TaskView? = nil
    ) {
        let response = outcome.response
        // A status read's reply and a download's carry the task as they showed it.
        var task = proxied ?? (route.endpoint == .retrieve || route.endpoint == .content ? outcome.task : nil)
        if task == nil, route.endpoint == .retrieve || route.endpoint == .content, let id = taskID,
            let shown = engine.shown(provider: provider.name, id: id), key == nil || shown.record.owner == key
        {
            task = TaskView(
                id: id, sequence: shown.record.sequence, owner: shown.record.owner, phase: shown.phase, isExpired: shown.isExpired,
                deliversInline: provider.deliversInline(shown.record))
            task?.isStuck = shown.isStuck
        }
        // A signed link is the task owner's, though it carries no key.
        guard let owner = key ?? task?.owner else { return }
        var observed = ObservedRequest(
            key: owner, provider: provider.name, endpoint: route.endpoint, method: request.http.method.name, target: request.http.target,
            path: request.http.path, body: request.http.body, status: response.status, journalID: journalID)
        // A form is the same form when its fields are: multipart boundaries differ between sends.
        // (A JSON body is compared as sent.)
        if route.endpoint.describesTask, request.http.body.first != UInt8(ascii: "{"), let fields = try? request.fields() {
            observed.fields = JSON.object(fields).bytes
        }
        observed.task = task
        if response.status >= 400 { observed.retryAfter = Self.retryAfter(response.headers) }
        if route.endpoint == .retrieve { observed.pollAfter = outcome.pollAfterMilliseconds.map { Double($0) / 1000 } }
        observed.fetchesVideo = route.endpoint == .content && (request.http.query["variant"] ?? "video") == "video"
        engine.observe(observed)
    }

    /// The task a request was about: the one a create or remix made, else the one its path names.
    static func task(of request: ProviderRequest, _ outcome: ProviderReply, _ provider: any Provider, _ endpoint: Endpoint) -> String? {
        // A task the reply showed names itself (its id a string already, kept by the task).
        guard endpoint == .create || endpoint == .remix else {
            return endpoint == .list ? nil : outcome.task?.id ?? provider.taskID(in: request)
        }
        guard (200..<300).contains(outcome.response.status) else { return nil }
        if let task = outcome.task { return task.id }
        guard let body = outcome.response.body.bytes else { return nil }
        return createdID(in: body, key: provider.createdIDKey)
    }

    /// The value of the string field `key` (`"id":"`) a creation reply starts with, found without
    /// parsing the reply.
    static func createdID(in body: [UInt8], key: [UInt8]) -> String? {
        body.withUnsafeBufferPointer { bytes in
            key.withUnsafeBufferPointer { key -> String? in
                guard bytes.count >= key.count else { return nil }
                for start in 0...(bytes.count - key.count) where bytes[start] == key[0] {
                    guard memcmp(bytes.baseAddress! + start, key.baseAddress!, key.count) == 0 else { continue }
                    let value = start + key.count
                    guard let end = bytes[value...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
                    return String(decoding: bytes[value..<end], as: UTF8.self)
                }
                return nil
            }
        }
    }

    /// Seconds a reply asks the client to wait: `retry-after-ms`, else `Retry-After` in seconds.
    static func retryAfter(_ headers: HTTPHeaders) -> Double? {
        if let milliseconds = headers["retry-after-ms"].flatMap(Double.init) { return milliseconds / 1000 }
        return headers["Retry-After"].flatMap { Double($0.trimmingHTTPWhitespace()) }
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

    /// The 404 for a bare `/v1` path that only other providers serve, naming where to go.
    private func elsewhere(_ request: HTTPRequest, _ providers: [ProviderID]) -> HTTPResponse {
        let path = String(request.path.dropFirst(3))
        let places = providers.map { "/\($0.rawValue)/v1\(path) (\($0.rawValue))" }.joined(separator: " or ")
        let message =
            "\(request.method) /v1\(path) is not served by \(bareProvider.rawValue), which serves the bare /v1 paths. "
            + "Use \(places), or start with --provider \(providers[0].rawValue)."
        return Self.error(404, message, code: "unknown_path")
    }

    private func admin(_ route: AdminAPI.Route, _ request: HTTPRequest) -> HTTPResponse {
        adminAPI.authorizes(request, for: route) ? route.handler(request) : AdminAPI.unauthorized
    }

    /// Records the request and its reply status in the journal, and returns the reply.
    private func journaled(
        _ request: HTTPRequest, _ response: HTTPResponse, provider: ProviderID? = nil, endpoint: Endpoint? = nil, apiKey: String? = nil
    ) -> HTTPResponse {
        record(request, response, provider: provider, endpoint: endpoint, apiKey: apiKey, rule: nil)
        return response
    }

    /// Records the request and its reply status in the journal; returns the entry's number.
    @discardableResult
    func record(
        _ request: HTTPRequest, _ response: HTTPResponse, provider: ProviderID?, endpoint: Endpoint?, apiKey: String?, rule: String?,
        task: String? = nil, pollAfterMilliseconds: Int? = nil
    ) -> Int? {
        let key = apiKey ?? request.bearerToken
        return engine.journal.record(
            JournalEntry(
                time: engine.clock.now(for: key), method: request.method.name, target: request.target, provider: provider,
                endpoint: endpoint, apiKey: key,
                headers: request.headers, body: request.body, bodyLimit: engine.journal.bodyLimit, status: response.status,
                rule: rule, task: task, pollAfterMilliseconds: pollAfterMilliseconds))
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

/// The journal keeps a request's headers as the HTTP layer parsed them, strings made when read.
extension RequestHeaders: HeaderFields {}
