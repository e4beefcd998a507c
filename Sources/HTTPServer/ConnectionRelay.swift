import CLibevent

/// How a connection sends a relayed reply: the head when it arrives, the body as it comes
/// (in chunks when its length is unknown), pausing the relay while the client lags behind.
extension Connection: RelaySink {
    /// Pause the relay once this much waits to be sent to the client; resume when it has gone.
    static let relayHighWater = 256 << 10

    func startRelay(_ relay: any ReplyRelay, isHead: Bool, keepAlive: Bool, http10: Bool) {
        self.relay = relay
        // An HTTP/1.0 client cannot take chunks: a body of unknown length ends with the connection.
        state = .relaying(Relaying(isHead: isHead, keepAlive: keepAlive, chunked: http10))
        pauseReading()
        relay.start(base: loop.base, sink: self)
    }

    func relayHead(status: Int, headers: HTTPHeaders, length: Int?) {
        guard case .relaying(var relaying) = state else { return }
        let http10 = relaying.chunked
        // A body of unknown length goes in chunks, or to an HTTP/1.0 client until the connection ends.
        relaying.chunked = length == nil && !http10
        if length == nil, http10 { relaying.keepAlive = false }
        state = .relaying(relaying)
        let head = ResponseEncoding.head(
            of: HTTPResponse(status: status, headers: headers), contentLength: length, chunked: relaying.chunked,
            keepAlive: relaying.keepAlive, date: loop.dateCache.pointee.current())
        write(head, more: !relaying.isHead && length != 0)
    }

    func relayBody(_ bytes: UnsafeRawBufferPointer) {
        guard case .relaying(var relaying) = state, !relaying.isHead, !bytes.isEmpty else { return }
        if relaying.chunked {
            write(Array(String(bytes.count, radix: 16).utf8) + [0x0D, 0x0A], more: true)
            _ = evbuffer_add(output, bytes.baseAddress, bytes.count)
            _ = evbuffer_add(output, "\r\n", 2)
        } else {
            _ = evbuffer_add(output, bytes.baseAddress, bytes.count)
        }
        if !relaying.paused, evbuffer_get_length(output) > Connection.relayHighWater {
            relaying.paused = true
            state = .relaying(relaying)
            relay?.pause()
        }
    }

    func relayEnd(complete: Bool) {
        guard case .relaying(let relaying) = state else { return }
        relay = nil
        guard complete else { return reset() }
        if relaying.chunked { _ = evbuffer_add(output, "0\r\n\r\n", 5) }
        state = .head
        finish(keepAlive: relaying.keepAlive)
        readOnAfterPause()
    }
}
