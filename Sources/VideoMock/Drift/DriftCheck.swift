import HTTPServer
import JSON
import Recording
import Upstream
import VideoMockCore

/// `videomock drift`: each recorded request sent to VideoMock's own emulation (in process, on a
/// manual clock), and each recorded reply compared with VideoMock's reply for the same task in
/// the same state: queued with queued, in progress with in progress, and so on, never at the
/// same instant (a real gateway's timings are not drift).
package struct DriftCheck {
    private let server: DirectExchange
    private let catalogs: CatalogSet
    private var report: DriftReport

    /// Statuses that depend on the account or the gateway's load rather than on the request:
    /// VideoMock is asked for its own (`X-VideoMock-Status`) to compare their envelopes.
    private static let circumstantial: Set<Int> = [401, 402, 403, 408, 429, 500, 502, 503, 504]

    /// Checks every exchange of `file` against VideoMock as `configuration` sets it up.
    package static func run(file: String, configuration: Configuration) throws(StartupError) -> DriftReport {
        let exchanges: [RecordedExchange]
        do { exchanges = try readRecording(file) } catch { throw StartupError(description: "\(error)") }
        var settings = configuration
        settings.clock = .manual
        settings.timeScale = 1
        settings.apiKeys = []
        settings.headerOverrides = true
        settings.scenarioFiles = []
        let (server, cleanUp) = try VideoMockServer.direct(configuration: settings)
        defer { cleanUp() }
        var check = DriftCheck(server: server, catalogs: try Startup.catalogs(settings), report: DriftReport(file: file))
        check.report.exchanges = exchanges.count
        for (index, exchange) in exchanges.enumerated() where exchange.endpoint == "create" || exchange.endpoint == "remix" {
            check.lifecycle(exchange, after: exchanges[(index + 1)...], key: "drift-\(index)")
        }
        let compared = Set(exchanges.indices.filter { exchanges[$0].endpoint == "create" || exchanges[$0].endpoint == "remix" })
        let orphans = exchanges.indices.filter { !compared.contains($0) && exchanges[$0].task == nil && exchanges[$0].endpoint != "list" }
        if !orphans.isEmpty { check.report.skipped.append("\(orphans.count) exchange(s) that belong to no recorded task") }
        return check.report
    }

    /// A recorded create, then what the recording shows of its task.
    private mutating func lifecycle(_ create: RecordedExchange, after later: ArraySlice<RecordedExchange>, key: String) {
        let model = Self.model(of: create) ?? "(none)"
        guard let provider = ProviderID(rawValue: create.provider) else {
            return report.skipped.append("provider \(create.provider) is not one VideoMock serves")
        }
        if model != "(none)", catalogs[provider].model(model) == nil {
            if !report.unknownModels.contains(where: { $0.provider == create.provider && $0.model == model }) {
                report.unknownModels.append((create.provider, model))
            }
            return
        }
        let reply = send(create, key: key, override: Self.circumstantial.contains(create.status) ? create.status : nil)
        let createState = create.status >= 300 ? "refusal \(create.status)" : RecordedReplies.phase(of: create)?.rawValue ?? "created"
        compare(create, reply, model: model, state: createState)
        guard create.status < 300, let recordedID = create.task, let newID = Self.counterpart(of: recordedID, in: create, reply)
        else { return }
        var task = EmulatedTask(key: key, recordedID: recordedID, newID: newID)
        var phase = RecordedReplies.phase(of: create) ?? .queued
        for exchange in later where exchange.task == recordedID && exchange.provider == create.provider {
            switch exchange.endpoint {
            case "retrieve":
                let recordedPhase = RecordedReplies.phase(of: exchange)
                phase = recordedPhase ?? phase
                guard let emulated = emulatedReply(of: &task, in: phase, like: exchange) else {
                    report.skipped.append("\(exchange.path): VideoMock's task never reached \(phase.rawValue)")
                    continue
                }
                compare(
                    exchange, emulated, model: model,
                    state: recordedPhase?.rawValue ?? "status '\(RecordedReplies.statusWord(in: exchange.responseJSON) ?? "?")'")
            case "content":
                guard task.byPhase[.completed] != nil || emulatedReply(of: &task, in: .completed, like: nil) != nil else { continue }
                var request = exchange
                if let link = downloadLink(exchange, task) {
                    (request.path, request.query) = link
                } else {
                    request.path = exchange.path.replacing(recordedID, with: newID)
                }
                compare(exchange, send(request, key: key), model: model, state: exchange.status >= 300 ? "refusal" : "completed")
            case "delete":
                var request = exchange
                request.path = exchange.path.replacing(recordedID, with: newID)
                compare(exchange, send(request, key: key), model: model, state: phase.rawValue)
            default:
                continue
            }
        }
    }

    /// A task VideoMock made for a recorded one, and its replies so far by state.
    private struct EmulatedTask {
        let key: String
        let recordedID: String
        let newID: String
        var retrievePath: String?
        var byPhase: [TaskPhase: Reply] = [:]
        var forcedFailure = false
    }

    /// VideoMock's status reply for the task in `phase`: read, the key's clock moved a second at
    /// a time, until the task shows it (a failure is forced, as the emulation does not fail on its own).
    private mutating func emulatedReply(of task: inout EmulatedTask, in phase: TaskPhase, like read: RecordedExchange?) -> Reply? {
        if let known = task.byPhase[phase] { return known }
        if let read { task.retrievePath = read.path.replacing(task.recordedID, with: task.newID) }
        guard let path = task.retrievePath else { return nil }
        if phase == .failed, !task.forcedFailure {
            task.forcedFailure = true
            _ = server.respond(to: Self.request("POST", "/__admin/tasks/\(task.newID)/fail", headers: [], body: []))
        }
        for _ in 0..<900 {
            let reply = Reply(server.respond(to: Self.request("GET", path, headers: [("Authorization", "Bearer \(task.key)")], body: [])))
            guard reply.status < 300, let seen = RecordedReplies.phase(of: RecordedReplies.statusWord(in: reply.json)) else { return nil }
            if task.byPhase[seen] == nil { task.byPhase[seen] = reply }
            if seen == phase { return reply }
            if seen.isFinal { return nil }
            _ = server.respond(
                to: Self.request("POST", "/__admin/clock/advance?api_key=\(task.key)", headers: [], body: Array(#"{"seconds":1}"#.utf8)))
        }
        return nil
    }

    /// Where VideoMock's completed task is downloaded from, as its own reply links it under the
    /// recorded download's route (a signed link's credentials were not recorded): path and query.
    private func downloadLink(_ exchange: RecordedExchange, _ task: EmulatedTask) -> (String, String?)? {
        guard let json = task.byPhase[.completed]?.json else { return nil }
        let prefix = "/" + exchange.path.split(separator: "/").prefix(2).joined(separator: "/") + "/"
        for url in Self.strings(in: json) where url.hasPrefix("http://") || url.hasPrefix("https://") {
            guard let pathStart = url.dropFirst(8).firstIndex(of: "/") else { continue }
            let target = url[pathStart...]
            let path = target.prefix { $0 != "?" }
            guard path.hasPrefix(prefix) else { continue }
            return (String(path), target.contains("?") ? String(target.drop { $0 != "?" }.dropFirst()) : nil)
        }
        return nil
    }

    private static func strings(in json: JSON) -> [String] {
        switch json {
        case .string(let text): [text]
        case .array(let items): items.flatMap(strings)
        case .object(let object): object.entries.flatMap { strings(in: $0.value) }
        default: []
        }
    }

    private mutating func compare(_ recorded: RecordedExchange, _ reply: Reply, model: String, state: String) {
        var differences: [Difference] = []
        if recorded.status != reply.status {
            differences.append(Difference(.status, "", recorded: String(recorded.status), videoMock: String(reply.status)))
        }
        let recordedType = Self.mediaType(recorded.responseHeader("Content-Type"))
        let replyType = Self.mediaType(reply.header("Content-Type"))
        if recordedType != replyType {
            differences.append(Difference(.contentType, "", recorded: recordedType ?? "none", videoMock: replyType ?? "none"))
        }
        for name in ["openai-poll-after-ms", "Retry-After", "retry-after-ms"] {
            let (a, b) = (recorded.responseHeader(name) != nil, reply.header(name) != nil)
            if a != b {
                differences.append(Difference(.header, name, recorded: a ? "present" : "absent", videoMock: b ? "present" : "absent"))
            }
        }
        if let json = recorded.responseJSON {
            if let other = reply.json {
                differences += StructureDiff.compare(json, other)
            } else {
                differences.append(Difference(.type, "(document)", recorded: "JSON", videoMock: replyType ?? "no body"))
            }
        }
        report.add(provider: recorded.provider, endpoint: recorded.endpoint ?? "other", model: model, state: state, differences)
    }

    private static func mediaType(_ value: String?) -> String? {
        value.map { String(($0.split(separator: ";").first ?? "").trimmingHTTPWhitespace()).lowercased() }
    }

    /// The model a recorded create asked for.
    private static func model(of exchange: RecordedExchange) -> String? {
        if let model = exchange.requestJSON?["model"]?.string { return model }
        return exchange.requestBody?["multipart"]?.array?.first { $0["name"]?.string == "model" }?["value"]?.string
    }

    /// The new task's id: in VideoMock's reply, where the recorded id is in the recorded reply.
    private static func counterpart(of id: String, in recorded: RecordedExchange, _ reply: Reply) -> String? {
        guard let json = recorded.responseJSON, let other = reply.json else { return nil }
        func find(_ a: JSON, _ b: JSON) -> String? {
            switch (a, b) {
            case (.string(let text), .string(let found)) where text == id: return found
            case (.object(let x), .object(let y)):
                for (key, value) in x { if let other = y[key], let found = find(value, other) { return found } }
            case (.array(let x), .array(let y)):
                for (value, other) in zip(x, y) { if let found = find(value, other) { return found } }
            default: break
            }
            return nil
        }
        return find(json, other)
    }

    // MARK: The wire

    private func send(_ exchange: RecordedExchange, key: String, override status: Int? = nil) -> Reply {
        var headers: [(String, String)] = [("Authorization", "Bearer \(key)")]
        let (body, contentType) = Self.body(of: exchange)
        if let contentType { headers.append(("Content-Type", contentType)) }
        if let status { headers.append(("X-VideoMock-Status", String(status))) }
        let query = exchange.query.map { "?\($0)" } ?? ""
        return Reply(server.respond(to: Self.request(exchange.method, exchange.path + query, headers: headers, body: body)))
    }

    /// A recorded request body as bytes again: JSON, text, or a form whose files are as long as
    /// the recorded ones (their bytes were not recorded).
    private static func body(of exchange: RecordedExchange) -> ([UInt8], String?) {
        guard let body = exchange.requestBody else { return ([], nil) }
        if let json = body["json"] { return (json.bytes, "application/json") }
        if let text = body["text"]?.string {
            return (Array(text.utf8), exchange.requestHeaders.first { $0.key.lowercased() == "content-type" }?.value.string)
        }
        guard let parts = body["multipart"]?.array else { return ([], nil) }
        let boundary = "videomock-drift-boundary"
        var bytes: [UInt8] = []
        for part in parts {
            guard let name = part["name"]?.string else { continue }
            var head = "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\""
            if let value = part["value"]?.string {
                bytes += Array((head + "\r\n\r\n\(value)\r\n").utf8)
                continue
            }
            let type = part["content_type"]?.string ?? "application/octet-stream"
            head += "; filename=\"\(part["filename"]?.string ?? name)\"\r\nContent-Type: \(type)"
            bytes += Array((head + "\r\n\r\n").utf8) + [UInt8](repeating: 0, count: part["size"]?.int ?? 0) + Array("\r\n".utf8)
        }
        bytes += Array("--\(boundary)--\r\n".utf8)
        return (bytes, "multipart/form-data; boundary=\(boundary)")
    }

    private static func request(_ method: String, _ target: String, headers: [(String, String)], body: [UInt8]) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: drift.videomock\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }
}

/// A reply's status, headers and body, read back from its bytes (the head as the upstream client reads one).
private struct Reply {
    var head: ResponseHead?
    var body: [UInt8] = []

    init(_ bytes: [UInt8]) {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
        head = bytes[..<end.lowerBound].withUnsafeBytes { ResponseHead.parse($0) }
        body = Array(bytes[end.upperBound...])
    }

    var status: Int { head?.status ?? 0 }

    func header(_ name: String) -> String? { head?.headers[name] }

    var json: JSON? {
        guard header("Content-Type")?.contains("json") == true else { return nil }
        return try? JSON.parse(body)
    }
}
