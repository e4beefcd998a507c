import JSON

/// A reply to send, with optional scripted misbehaviour (a delay or a fault).
package struct HTTPResponse: Sendable {
    package enum Body: Sendable, Equatable {
        case bytes([UInt8])
        /// `length` bytes of the file at `path` from `offset`, sent with sendfile where the OS allows.
        case file(path: String, offset: Int, length: Int)
        /// JSON written into this thread's reply buffer (see `ReplyBuffer`).
        case written(ReplyBuffer.Mark)
        /// Status, headers and body come later from the relay (the response's own are not sent).
        case relay(any ReplyRelay)

        package var count: Int {
            switch self {
            case .bytes(let b): b.count
            case .written(let mark): mark.count
            case .file(_, _, let length): length
            case .relay: 0
            }
        }

        /// The body's bytes, when it is held or written in memory.
        package var bytes: [UInt8]? {
            switch self {
            case .bytes(let bytes): bytes
            case .written(let mark): ReplyBuffer.withBytes(mark) { Array($0) }
            case .file, .relay: nil
            }
        }

        /// The same body with a `written` one copied out of the reply buffer, to be kept.
        package var materialized: Body {
            guard case .written = self, let bytes else { return self }
            return .bytes(bytes)
        }

        package static func == (lhs: Body, rhs: Body) -> Bool {
            switch (lhs.materialized, rhs.materialized) {
            case (.bytes(let a), .bytes(let b)): a == b
            case (.file(let a, let b, let c), .file(let d, let e, let f)): a == d && b == e && c == f
            case (.relay(let a), .relay(let b)): a === b
            default: false
            }
        }
    }

    /// Ways to break the reply on purpose, as a flaky upstream would.
    package enum Fault: String, Sendable, CaseIterable {
        /// Close the connection with a TCP reset and no reply.
        case reset
        /// Send the status line and headers, then close without a body.
        case empty
        /// Announce a Content-Length larger than the body actually sent, then close.
        case truncate
        /// Read the request and never answer: the connection ends only when the client closes it
        /// or the idle timeout passes (a client's read timeout, tested without a long delay).
        case stall
    }

    /// Where a reply that announces its whole length stops: after so many bytes of the body, or
    /// after a fraction of it. The connection then closes.
    package enum Cut: Sendable, Equatable {
        case bytes(Int)
        case fraction(Double)

        /// The body bytes sent out of `count`.
        package func sent(of count: Int) -> Int {
            switch self {
            case .bytes(let bytes): min(bytes, count)
            case .fraction(let fraction): Int(Double(count) * fraction)
            }
        }
    }

    package var status: Int
    package var headers: HTTPHeaders
    package var body: Body
    /// Held back this many milliseconds before the reply is sent (the loop keeps serving others).
    package var delayMilliseconds: Int = 0
    package var fault: Fault?
    /// Close the connection after this reply even if the client asked to keep it.
    package var closeConnection = false
    /// Send the body at most this fast (bytes a second), as a slow network would.
    package var throttle: Int?
    /// Stop sending the body there, though the headers promised all of it.
    package var cut: Cut?

    package init(status: Int, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The same reply with its body copied out of the reply buffer, for a reply kept past the
    /// request that made it (the thread writes the next reply's body there).
    package var kept: HTTPResponse {
        var copy = self
        copy.body = body.materialized
        return copy
    }

    package init(status: Int, contentType: String, bytes: [UInt8]) {
        self.init(status: status, headers: ["Content-Type": contentType], body: .bytes(bytes))
    }
}

extension HTTPResponse {
    /// A JSON reply, written by `write` into this thread's reply buffer.
    package static func json(status: Int = 200, headers: HTTPHeaders = [:], _ write: (inout JSONWriter) -> Void) -> HTTPResponse {
        HTTPResponse(status: status, headers: jsonHeaders(headers), body: .written(ReplyBuffer.write(write)))
    }

    /// `headers` with the JSON content type; without others, one shared list (no allocation).
    private static func jsonHeaders(_ headers: HTTPHeaders) -> HTTPHeaders {
        guard !headers.fields.isEmpty else { return jsonOnly }
        var all = headers
        all.set("Content-Type", "application/json")
        return all
    }

    private static let jsonOnly = (["Content-Type": "application/json"] as HTTPHeaders).writtenOnce()

    /// A JSON reply.
    package static func json(_ value: JSON, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: jsonHeaders(headers), body: .bytes(value.bytes))
    }
}
