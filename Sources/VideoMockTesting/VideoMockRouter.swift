import HTTPServer
@_exported import VideoMock

/// VideoMock without a socket, for tests that need no wire: each request's bytes go through the
/// same head parser, pipeline and reply writer as on a connection, and the reply's bytes come
/// back at once. Scripted delays are not waited out; faults give what a client would receive.
///
/// ```swift
/// let mock = try VideoMockRouter { $0.clock = .manual }
/// let reply = mock.send("POST", "/aihubmix/v1/videos", headers: [("Authorization", "Bearer sk-test"),
///     ("Content-Type", "application/json")], body: Array(#"{"model":"sora-2","prompt":"a fox"}"#.utf8))
/// reply.status  // 200
/// ```
public final class VideoMockRouter: Sendable {
    /// A reply as a client would read it.
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]

        /// The first value of header `name`, whatever its case.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    private let exchange: DirectExchange
    private let cleanUp: @Sendable () -> Void

    /// Loads a server with `configure` applied to the testing defaults (the fixtures that ship
    /// with VideoMock), without binding a port or starting a thread.
    public init(_ configure: (inout Configuration) -> Void = { _ in }) throws {
        var configuration = Configuration()
        configuration.fixturesDirectory = VideoMockTestServer.shippedFixtures
        configure(&configuration)
        (exchange, cleanUp) = try VideoMockServer.direct(configuration: configuration)
    }

    deinit { cleanUp() }

    /// The reply's bytes to one whole request's bytes.
    public func respond(to request: [UInt8]) -> [UInt8] { exchange.respond(to: request) }

    /// Sends `method path` with `headers` (Host and Content-Length are added) and `body`.
    public func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) -> Reply {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: videomock\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        return Reply(parsing: respond(to: Array((head + "\r\n").utf8) + body))
    }
}

extension VideoMockRouter.Reply {
    /// Reads a reply written by the server: status line, header fields, then the body.
    init(parsing bytes: [UInt8]) {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound else {
            self.init(status: 0, headers: [], body: [])
            return
        }
        var lines = String(decoding: bytes[..<end], as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let status = Int(lines.removeFirst().split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " }))
        }
        self.init(status: status, headers: headers, body: Array(bytes[(end + 4)...]))
    }
}
