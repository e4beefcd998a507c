/// Limits and timeouts every connection obeys, and how protocol-level errors are worded.
package struct HTTPServerConfiguration: Sendable {
    /// Larger bodies are refused with 413 before they are read.
    package var maxBodyBytes: Int
    /// A request line plus headers larger than this is refused with 431.
    package var maxHeadBytes: Int
    /// A connection that sends nothing for this long, or takes longer than this to send a
    /// request's headers, is closed.
    package var idleTimeoutSeconds: Double
    /// The reply to a request the HTTP layer itself refuses (bad framing, too large, ...).
    package var errorResponse: @Sendable (_ status: Int, _ message: String) -> HTTPResponse

    package init(
        maxBodyBytes: Int,
        maxHeadBytes: Int = 64 << 10,
        idleTimeoutSeconds: Double,
        errorResponse: @escaping @Sendable (Int, String) -> HTTPResponse = HTTPServerConfiguration.plainJSONError
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.maxHeadBytes = maxHeadBytes
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.errorResponse = errorResponse
    }

    /// `{"error":{"message":...}}`.
    package static let plainJSONError: @Sendable (Int, String) -> HTTPResponse = { status, message in
        .json(["error": ["message": .string(message)]], status: status)
    }
}

/// Answers requests. Called on event-loop threads, concurrently: must be thread-safe and
/// must not block (scripted delays go in `HTTPResponse.delayMilliseconds`).
package protocol HTTPHandler: Sendable {
    /// The request is the handler's to keep or change: it is not read after.
    func respond(to request: consuming HTTPRequest) -> HTTPResponse
}
