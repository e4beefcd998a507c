/// A reply that arrives later and piece by piece from elsewhere (an upstream server). The
/// connection that is to send it starts it on its own loop, then is told the reply's head, its
/// body as it comes and its end; it pauses the relay while the client is slower than the source.
package protocol ReplyRelay: AnyObject, Sendable {
    /// Starts fetching: called once, on the event loop (`base`) of the connection that sends the reply.
    func start(base: OpaquePointer, sink: any RelaySink)
    /// The client is behind: stop reading from the source until `resume`.
    func pause()
    func resume()
    /// The client went away: stop, and let go of the sink.
    func cancel()
}

/// Where a relay delivers, on the loop it was started on.
package protocol RelaySink: AnyObject {
    /// The status and headers (framing and hop-by-hop headers left out); `length` nil when the
    /// body's length is not known ahead (it is then sent chunked).
    func relayHead(status: Int, headers: HTTPHeaders, length: Int?)
    func relayBody(_ bytes: UnsafeRawBufferPointer)
    /// The body ended, or (`complete` false) the source broke off and the connection closes.
    func relayEnd(complete: Bool)
}
