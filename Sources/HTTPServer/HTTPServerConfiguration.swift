/// Limits and timeouts every connection obeys, and how protocol-level errors are worded.
public struct HTTPServerConfiguration: Sendable {
    /// Larger bodies are refused with 413 before they are read.
    public var maxBodyBytes: Int
    /// A request line plus headers larger than this is refused with 431.
    public var maxHeadBytes: Int
    /// A connection that sends nothing for this long, or takes longer than this to send a
    /// request's headers, is closed.
    public var idleTimeoutSeconds: Double
    /// The reply to a request the HTTP layer itself refuses (bad framing, too large, ...).
    public var errorResponse: @Sendable (_ status: Int, _ message: String) -> HTTPResponse

    public init(
        maxBodyBytes: Int = 32 << 20,
        maxHeadBytes: Int = 64 << 10,
        idleTimeoutSeconds: Double = 30,
        errorResponse: @escaping @Sendable (Int, String) -> HTTPResponse = HTTPServerConfiguration.plainJSONError
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeadBytes = maxHeadBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.errorResponse = errorResponse
    }

    /// `{"error":{"message":...}}`.
    public static let plainJSONError: @Sendable (Int, String) -> HTTPResponse = { status, message in
        .json(["error": ["message": .string(message)]], status: status)
    }
}

/// Answers requests. Called on event-loop threads, concurrently: must be thread-safe and
/// must not block (scripted delays go in `HTTPResponse.delayMilliseconds`).
public protocol HTTPHandler: Sendable {
    func respond(to request: HTTPRequest) -> HTTPResponse
}
