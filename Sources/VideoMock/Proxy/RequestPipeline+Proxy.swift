import HTTPServer
import JSON
import Providers
import Recording
import Upstream
import VideoMockCore

/// A request forwarded to the real gateway: its reply relayed to the client, then journaled,
/// judged by the verdict and recorded like any other.
extension RequestPipeline {
    func proxy(_ request: HTTPRequest, to target: Upstreams.Target, path: Substring, tls: TLSContext?, recorder: Recorder?)
        -> HTTPResponse
    {
        var headers = HTTPHeaders()
        for (name, value) in request.headers.fields where !Self.notForwarded.contains(name.lowercased()) { headers.add(name, value) }
        if let key = target.key { headers.set("Authorization", "Bearer \(key)") }
        // Documents are decoded to be rewritten and recorded: ask only for codings VideoMock decodes.
        if let accepted = headers["Accept-Encoding"] {
            let decodable = accepted.split(separator: ",").map { $0.trimmingHTTPWhitespace() }.filter { coding in
                let name = coding.split(separator: ";").first.map { $0.trimmingHTTPWhitespace().lowercased() } ?? ""
                return ["gzip", "deflate", "identity", "*"].contains(name)
            }
            headers.set("Accept-Encoding", decodable.isEmpty ? "identity" : decodable.joined(separator: ", "))
        }
        let query = request.queryString.map { "?\($0)" } ?? ""
        let forwarded = UpstreamExchange.Request(
            method: request.method.name, target: target.url.basePath + path + query, headers: headers, body: request.body)
        let provider = routeTable.provider(target.provider)
        // Links to the upstream's own host lead back through VideoMock.
        let proxyBase = "http://\(request.headers[.host] ?? "127.0.0.1")/\(target.provider.rawValue)"
        let relay = ProxyRelay(
            upstream: target.url, tls: tls, request: forwarded, rewrites: [(target.url.description, proxyBase)],
            refusal: { failure in
                var response = provider.render(
                    APIError(
                        status: 502, message: "The upstream \(target.url) failed: \(failure.reason).", type: "server_error",
                        code: "upstream_\(failure.kind.rawValue)"))
                response.status = 502
                return response
            },
            finished: { [self] relayed in
                proxied(
                    request, provider: provider, path: "/\(target.provider.rawValue)" + path, relayed, recorder: recorder,
                    secrets: [request.bearerToken, target.key].compactMap { $0 })
            })
        return HTTPResponse(status: 200, body: .relay(relay))
    }

    /// Request headers that describe the client's connection to VideoMock, not the request.
    private static let notForwarded: Set<String> = [
        "host", "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "content-length",
        "expect",
    ]

    /// Journals, judges and records a relayed exchange (`path` as VideoMock serves it).
    private func proxied(
        _ request: HTTPRequest, provider: any Provider, path: String, _ relayed: ProxyRelay.Relayed, recorder: Recorder?,
        secrets: [String]
    ) {
        var response = HTTPResponse(status: relayed.status, headers: relayed.headers, body: .bytes(relayed.document ?? []))
        var task: String?
        var endpoint: Endpoint?
        var providerRequest = ProviderRequest(http: request, apiKey: request.bearerToken ?? "", basePath: "")
        if case .found(.provider(let found), let parameters) = routeTable.match(method: request.method, path: Substring(path)) {
            providerRequest.http.pathParameters = parameters
            let route = found.route
            endpoint = route.endpoint
            task =
                route.endpoint == .create || route.endpoint == .remix
                ? relayed.document.flatMap { Self.createdTaskID(in: $0, provider: provider) }
                : route.endpoint == .list ? nil : provider.taskID(in: providerRequest)
            let pollAfter = relayed.headers["openai-poll-after-ms"].flatMap { Int($0) }
            let journalID = record(
                request, response, provider: provider.name, endpoint: route.endpoint, apiKey: request.bearerToken, rule: "upstream",
                task: task, pollAfterMilliseconds: pollAfter)
            response.body = .bytes([])
            let shown = task.flatMap { id in
                Self.shownTask(relayed, route.endpoint).map { phase in
                    TaskView(
                        id: id, sequence: upstreams!.number(ofTask: id), owner: request.bearerToken ?? "", phase: phase, isExpired: false,
                        deliversInline: false)
                }
            }
            observe(
                providerRequest, ProviderReply(response, pollAfterMilliseconds: pollAfter), provider, route, key: request.bearerToken,
                journalID: journalID, taskID: task, shown: shown)
        } else {
            record(request, response, provider: provider.name, endpoint: nil, apiKey: request.bearerToken, rule: "upstream")
        }
        // What VideoMock itself answered (the upstream failed before replying) is not the gateway's.
        guard let recorder, relayed.failure == nil || relayed.document != nil || relayed.streamed != nil else { return }
        let contentType = request.headers[.contentType]
        let replyType = relayed.headers["Content-Type"]
        let body: JSON? =
            if let streamed = relayed.streamed {
                BodyDescription.bytes(contentType: replyType, size: streamed.size, sha256: streamed.sha256, movie: streamed.movie)
            } else {
                BodyDescription.describe(relayed.document ?? [], contentType: replyType)
            }
        recorder.record(
            RecordedExchange(
                time: Clock.wallNow(), provider: provider.name.rawValue, endpoint: endpoint?.rawValue, method: request.method.name,
                path: path, query: request.queryString.map { Redaction.query(String($0)) }, task: task,
                requestHeaders: BodyDescription.headers(request.headers.fields),
                requestBody: BodyDescription.describe(request.body, contentType: contentType), status: relayed.status,
                responseHeaders: BodyDescription.headers(relayed.headers.fields), responseBody: body),
            secrets: secrets)
    }

    /// The state a gateway's reply showed its task in: a status read's status word, or a
    /// delivered video; nil when it showed none.
    private static func shownTask(_ relayed: ProxyRelay.Relayed, _ endpoint: Endpoint) -> TaskPhase? {
        switch endpoint {
        case .retrieve:
            guard relayed.status < 300, let document = relayed.document, let json = try? JSON.parse(document) else { return nil }
            return RecordedReplies.phase(of: RecordedReplies.statusWord(in: json))
        case .content:
            return relayed.status < 300 ? .completed : nil
        default:
            return nil
        }
    }

    /// The id a creation reply gives: the first string field named as the provider names it.
    static func createdTaskID(in document: [UInt8], provider: any Provider) -> String? {
        let name = String(decoding: provider.createdIDKey.dropFirst().prefix { $0 != UInt8(ascii: "\"") }, as: UTF8.self)
        guard let json = try? JSON.parse(document) else { return nil }
        return firstString(named: name, in: json)
    }

    private static func firstString(named name: String, in json: JSON) -> String? {
        switch json {
        case .object(let object):
            if let value = object[name]?.string { return value }
            for (_, value) in object { if let found = firstString(named: name, in: value) { return found } }
            return nil
        case .array(let items):
            for item in items { if let found = firstString(named: name, in: item) { return found } }
            return nil
        default:
            return nil
        }
    }
}
