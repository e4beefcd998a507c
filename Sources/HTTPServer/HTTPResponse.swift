import JSON

/// A reply to send, with optional scripted misbehaviour (a delay or a fault).
public struct HTTPResponse: Sendable {
    public enum Body: Sendable, Equatable {
        case bytes([UInt8])
        /// `length` bytes of the file at `path` from `offset`, sent with sendfile where the OS allows.
        case file(path: String, offset: Int, length: Int)

        public var count: Int {
            switch self {
            case .bytes(let b): b.count
            case .file(_, _, let length): length
            }
        }
    }

    /// Ways to break the reply on purpose, as a flaky upstream would.
    public enum Fault: String, Sendable, CaseIterable {
        /// Close the connection with a TCP reset and no reply.
        case reset
        /// Send the status line and headers, then close without a body.
        case empty
        /// Announce a Content-Length larger than the body actually sent, then close.
        case truncate
    }

    public var status: Int
    public var headers: HTTPHeaders
    public var body: Body
    /// Held back this many milliseconds before the reply is sent (the loop keeps serving others).
    public var delayMilliseconds: Int = 0
    public var fault: Fault?
    /// Close the connection after this reply even if the client asked to keep it.
    public var closeConnection = false

    public init(status: Int, headers: HTTPHeaders = [:], body: Body = .bytes([])) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public init(status: Int, contentType: String, bytes: [UInt8]) {
        self.init(status: status, headers: ["Content-Type": contentType], body: .bytes(bytes))
    }
}

extension HTTPResponse {
    /// A JSON reply.
    public static func json(_ value: JSON, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var all = headers
        all.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: all, body: .bytes(value.bytes))
    }
}
