import CLibevent
import Glibc

/// One client connection, owned by the event loop thread that accepted it.
///
/// Reads requests one after another from the socket (pipelined ones included), hands each to
/// the handler and writes the replies in order. Its loop keeps it until `close()`; libevent's
/// callbacks reach it through an unretained reference.
final class Connection {
    enum State {
        case head
        case body(RequestHead, remaining: Int)
        case chunked(RequestHead, ChunkedBodyDecoder)
        /// A delayed reply is pending; nothing else is read until it is sent.
        case waiting
        /// A relayed reply is on its way (`relay`); nothing else is read until it has been sent.
        case relaying(Relaying)
        /// A request is never to be answered: input is dropped until the client closes or the
        /// idle timeout passes.
        case stalled
        /// The last reply is being flushed; the connection closes once it has been.
        case closing
        /// The last reply is out and our side is shut: what the client still sends is read and
        /// dropped until it closes too (or two seconds pass), so that closing on unread input
        /// does not reset the connection and destroy the reply before the client reads it.
        case lingering(since: Double)
        case closed
    }

    /// Stop reading more pipelined requests while this much output waits to be sent.
    static let outputHighWater = 1 << 20

    /// How a relayed reply goes out.
    struct Relaying {
        var isHead: Bool
        var keepAlive: Bool
        /// Its length was not known: it goes out in chunks (or, to an HTTP/1.0 client, until close).
        var chunked = false
        /// The relay was told to pause while the client catches up.
        var paused = false
    }

    let bev: OpaquePointer
    let loop: EventLoop
    var state: State = .head
    /// The relay whose reply is being sent, while `state` is `.relaying`.
    var relay: (any ReplyRelay)?
    private var headStartedAt: Double?
    /// Reading is ours (a persistent read event and `recv`); the bufferevent only writes. Its
    /// own reads ask the kernel how much is waiting first: one more system call per request.
    private var readEvent: OpaquePointer?
    /// Silence is timed apart from reading: a read event with a timeout would have its timer
    /// re-armed on every read. This one-shot timer fires after `quietLimit` seconds; reads since it
    /// was armed (`heard`) put the check off by another period, so a silent connection goes after
    /// one to two periods, and a read costs one store.
    private var quietTimer: OpaquePointer?
    private var quietLimit = 0.0
    private var heard = false
    private var reading = false

    init(bev: OpaquePointer, loop: EventLoop) {
        self.bev = bev
        self.loop = loop
        socket = bufferevent_getfd(bev)
        input = bufferevent_get_input(bev)
        output = bufferevent_get_output(bev)
    }

    /// The socket and the buffers, fixed for the bufferevent's life (asked for once, not per use).
    let socket: Int32
    let input: OpaquePointer
    let output: OpaquePointer

    var configuration: HTTPServerConfiguration { loop.configuration }

    func start() {
        let context = Unmanaged.passUnretained(self).toOpaque()
        bufferevent_setcb(bev, nil, connectionWrite, connectionEvent, context)
        var timeout = timeval(seconds: configuration.idleTimeoutSeconds)
        bufferevent_set_timeouts(bev, nil, &timeout)
        bufferevent_enable(bev, Int16(EV_WRITE))
        // A socket bufferevent freezes the end of its input buffer for its own reads; ours fill it.
        evbuffer_unfreeze(input, 0)
        readEvent = event_new(loop.base, socket, Int16(EV_READ | EV_PERSIST), connectionReceive, context)
        quietTimer = event_new(loop.base, -1, 0, connectionQuiet, context)
        resumeReading()
    }

    /// Reads again, dropping the connection after `seconds` (default: the idle timeout) of silence.
    /// Between requests, with nothing received or left to send: safe to close at a stop.
    var isIdle: Bool {
        guard case .head = state, evbuffer_get_length(input) == 0, evbuffer_get_length(output) == 0 else { return false }
        // A request the kernel holds but this loop has not read yet is not idle: closing would reset it.
        var byte: UInt8 = 0
        return recv(socket, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) <= 0
    }

    func resumeReading(timeout seconds: Double? = nil) {
        quietLimit = seconds ?? configuration.idleTimeoutSeconds
        event_add(readEvent, nil)
        reading = true
        armQuietTimer()
    }

    func pauseReading() {
        event_del(readEvent)
        reading = false
    }

    private func armQuietTimer() {
        heard = false
        var timeout = timeval(seconds: quietLimit)
        event_add(quietTimer, &timeout)
    }

    /// The quiet timer fired: the connection may have been silent for `quietLimit`.
    func quietCheck() {
        guard reading else { return }  // paused: armed again when reading resumes
        if heard { return armQuietTimer() }
        if case .lingering = state { return close() }
        // Quiet because it is busy downloading a reply is not idle.
        if evbuffer_get_length(output) > 0 { return armQuietTimer() }
        close()
    }

    /// The socket has bytes (or its end) to read.
    func receive(_ what: Int16) {
        heard = true
        let count: Int
        if evbuffer_get_length(input) == 0, case .head = state {
            // Nothing is buffered: read into the loop's buffer and serve whole requests there.
            count = recv(socket, loop.readBuffer, EventLoop.readCapacity, 0)
            if count > 0 { return serveRead(UnsafeBufferPointer(start: loop.readBuffer.assumingMemoryBound(to: UInt8.self), count: count)) }
        } else {
            var space = iovec()
            guard evbuffer_reserve_space(input, 16384, &space, 1) >= 1 else { return close() }
            count = recv(socket, space.iov_base, space.iov_len, 0)
            space.iov_len = max(0, count)
            evbuffer_commit_space(input, &space, 1)
            if count > 0 { return readable() }
        }
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            return close()
        }
        // The client finished sending: let it receive what is still queued, then close.
        if evbuffer_get_length(output) > 0, case .head = state {
            state = .closing
            pauseReading()
            return
        }
        close()
    }

    // MARK: Reading

    /// Serves the requests whose head and body lie whole in `bytes` (what one read brought)
    /// where they lie; the rest (a part of a request, or one a reply's pause must wait for) goes
    /// into the input buffer, to be read as usual.
    private func serveRead(_ bytes: UnsafeBufferPointer<UInt8>) {
        var position = 0
        while position < bytes.count, case .head = state, evbuffer_get_length(output) <= Connection.outputHighWater {
            let rest = UnsafeBufferPointer(rebasing: bytes[position...])
            let head: RequestHead, length: Int, framing: RequestHead.BodyFraming
            do throws(RequestHead.Failure) {
                // An incomplete head, or one too long (refused by the usual path), is left to that path.
                let window = UnsafeBufferPointer(rebasing: rest.prefix(configuration.maxHeadBytes + 4))
                guard let parsed = try RequestHead.parse(prefixOf: window), parsed.1 <= configuration.maxHeadBytes else { break }
                (head, length) = parsed
                framing = try head.checkedFraming(maxBodyBytes: configuration.maxBodyBytes)
            } catch {
                return fail(error.status, error.reason)
            }
            // A chunked body, or one not all here yet, is read as usual.
            var bodyLength = 0
            if case .length(let count) = framing { bodyLength = count }
            guard framing != .chunked, rest.count - length >= bodyLength else { break }
            position += length + bodyLength
            dispatch(head, body: bodyLength == 0 ? [] : Array(UnsafeBufferPointer(rebasing: rest[length..<length + bodyLength])))
        }
        if case .closed = state { return }
        if position < bytes.count {
            evbuffer_add(input, bytes.baseAddress! + position, bytes.count - position)
            readable()
        }
    }

    func readable() {
        while true {
            switch state {
            case .head:
                if evbuffer_get_length(output) > Connection.outputHighWater {
                    pauseReading()  // resumed in `writable()`
                    return
                }
                guard let head = readHead() else { return }
                beginBody(of: head)
            case .body(let head, let remaining):
                guard evbuffer_get_length(input) >= remaining else { return }
                dispatch(head, body: remove(remaining))
            case .chunked(let head, let decoder):
                guard readChunks(head, decoder) else { return }
            case .lingering(let since):
                evbuffer_drain(input, evbuffer_get_length(input))
                if monotonicSeconds() - since > Connection.lingerSeconds { close() }
                return
            case .stalled:
                evbuffer_drain(input, evbuffer_get_length(input))
                return
            case .waiting, .relaying, .closing, .closed:
                return
            }
        }
    }

    private static let lingerSeconds = 2.0

    /// Shuts our side once the reply is out, then drains the client's side (see `lingering`).
    func linger() {
        Glibc.shutdown(socket, Int32(SHUT_WR))
        state = .lingering(since: monotonicSeconds())
        resumeReading(timeout: Connection.lingerSeconds)
        evbuffer_drain(input, evbuffer_get_length(input))
    }

    /// Parses the next request head, or returns nil when more bytes are needed or the
    /// connection was failed.
    private func readHead() -> RequestHead? {
        let available = evbuffer_get_length(input)
        guard available > 0 else { return nil }
        let parsed: (RequestHead, Int)?
        do throws(RequestHead.Failure) { parsed = try parseHead(available: available) } catch {
            fail(error.status, error.reason)
            return nil
        }
        guard let (head, length) = parsed else {
            if available > configuration.maxHeadBytes {
                fail(431, "request headers exceed \(configuration.maxHeadBytes) bytes")
            } else if headStartedAt == nil {
                headStartedAt = monotonicSeconds()
            } else if let started = headStartedAt, monotonicSeconds() - started > configuration.idleTimeoutSeconds {
                close()
            }
            return nil
        }
        guard length <= configuration.maxHeadBytes else {
            fail(431, "request headers exceed \(configuration.maxHeadBytes) bytes")
            return nil
        }
        headStartedAt = nil
        evbuffer_drain(input, length)
        return head
    }

    /// The head at the start of the input and its length, parsed where the bytes lie when the
    /// first chunk holds it (nearly always), else over the first `maxHeadBytes` made contiguous.
    private func parseHead(available: Int) throws(RequestHead.Failure) -> (RequestHead, Int)? {
        var chunk = iovec()
        if evbuffer_peek(input, -1, nil, &chunk, 1) >= 1, let base = chunk.iov_base?.assumingMemoryBound(to: UInt8.self),
            let parsed = try RequestHead.parse(
                prefixOf: UnsafeBufferPointer(start: base, count: min(chunk.iov_len, configuration.maxHeadBytes + 4)))
        {
            return parsed
        }
        guard chunk.iov_len < min(available, configuration.maxHeadBytes + 4) else { return nil }
        let length = min(available, configuration.maxHeadBytes + 4)
        return try RequestHead.parse(prefixOf: UnsafeBufferPointer(start: evbuffer_pullup(input, length), count: length))
    }

    private func beginBody(of head: RequestHead) {
        let framing: RequestHead.BodyFraming
        do { framing = try head.checkedFraming(maxBodyBytes: configuration.maxBodyBytes) } catch {
            fail(error.status, error.reason)
            return
        }
        if framing != .none, head.headers[.expect] != nil, head.version == .http11, evbuffer_get_length(input) == 0 {
            write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        switch framing {
        case .none: dispatch(head, body: [])
        case .length(let length): state = .body(head, remaining: length)
        case .chunked:
            state = .chunked(
                head, ChunkedBodyDecoder(maxBodyBytes: configuration.maxBodyBytes, maxTrailerBytes: configuration.maxHeadBytes))
        }
    }

    /// Feeds what has arrived to the chunked-body decoder; false when more bytes are needed or
    /// the connection failed.
    private func readChunks(_ head: RequestHead, _ decoder: ChunkedBodyDecoder) -> Bool {
        let available = evbuffer_get_length(input)
        guard available > 0 else { return false }
        var decoder = decoder
        state = .waiting  // lets go of the state's copy, so the body grows in place
        let (consumed, outcome) = decoder.feed(UnsafeBufferPointer(start: evbuffer_pullup(input, -1), count: available))
        evbuffer_drain(input, consumed)
        switch outcome {
        case .needsMore:
            state = .chunked(head, decoder)
            return false
        case .complete:
            dispatch(head, body: decoder.body)
            return true
        case .failed(let status, let reason):
            fail(status, reason)
            return false
        }
    }

    /// The next `count` bytes of the input, taken out of it. (Made with `Array(_:)` over the
    /// pulled-up bytes: `Array(unsafeUninitializedCapacity:)` looks its storage type up at run time,
    /// hundreds of instructions a call.)
    private func remove(_ count: Int) -> [UInt8] {
        let available = min(count, evbuffer_get_length(input))
        guard available > 0, let start = evbuffer_pullup(input, available) else { return [] }
        defer { evbuffer_drain(input, available) }
        return Array(UnsafeBufferPointer(start: start, count: available))
    }

    // MARK: Events

    func writable() {
        switch state {
        case .closing:
            if evbuffer_get_length(output) == 0 { linger() }
        case .head:
            // Output drained below the high-water mark: take more pipelined requests.
            resumeReading()
            if evbuffer_get_length(input) > 0 { readable() }
        case .relaying(var relaying) where relaying.paused:
            relaying.paused = false
            state = .relaying(relaying)
            relay?.resume()
        default:
            break
        }
    }

    /// A write failed, or made no progress for the idle timeout: the client is gone.
    func event(_ events: Int16) {
        close()
    }

    /// Drops the connection with a TCP reset.
    func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    func close() {
        if case .closed = state { return }
        state = .closed
        relay?.cancel()
        relay = nil
        if let readEvent { event_free(readEvent) }
        if let quietTimer { event_free(quietTimer) }
        bufferevent_free(bev)
        loop.closed(self)
    }
}

private func connection(_ context: UnsafeMutableRawPointer?) -> Connection {
    Unmanaged<Connection>.fromOpaque(context!).takeUnretainedValue()
}

private let connectionReceive: event_callback_fn = { _, what, context in connection(context).receive(what) }
private let connectionQuiet: event_callback_fn = { _, _, context in connection(context).quietCheck() }
private let connectionWrite: bufferevent_data_cb = { _, context in connection(context).writable() }
private let connectionEvent: bufferevent_event_cb = { _, events, context in connection(context).event(events) }

/// Seconds on a clock that only moves forward, whatever is done to the wall clock.
package func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

extension timeval {
    init(seconds: Double) {
        let whole = seconds.rounded(.down)
        self.init(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1e6))
    }
}
