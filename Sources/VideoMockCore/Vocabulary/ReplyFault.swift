/// Ways a scripted reply breaks on purpose, as a flaky upstream would (the HTTP layer carries
/// them out).
package enum ReplyFault: String, Sendable, CaseIterable {
    /// Close the connection with a TCP reset and no reply.
    case reset
    /// Send the status line and headers, then close without a body.
    case empty
    /// Announce a Content-Length larger than the body actually sent, then close.
    case truncate
    /// Read the request and never answer, until the client or the idle timeout gives up.
    case stall
}

/// Where a scripted reply that announces its whole length stops: after so many bytes of the
/// body, or after a share of it.
package enum ReplyCut: Sendable, Equatable {
    case bytes(Int)
    case fraction(Double)
}
