import CLibevent
import Glibc

/// One client connection, owned by the event loop thread that accepted it.
///
/// Reads requests one after another from the socket (pipelined ones included), hands each to
/// the handler and writes the replies in order. The object keeps itself alive (a retained
/// `Unmanaged` reference is the bufferevent's context) until `close()`.
final class Connection {
    private enum State {
        case head
        case body(RequestHead, remaining: Int)
        case chunked(RequestHead, ChunkPhase, received: [UInt8])
        /// A delayed reply is pending; nothing else is read until it is sent.
        case waiting
        /// The last reply is being flushed; the connection closes once it has been.
        case closing
        /// The last reply is out and our side is shut: what the client still sends is read and
        /// dropped until it closes too (or two seconds pass), so that closing on unread input
        /// does not reset the connection and destroy the reply before the client reads it.
        case lingering(since: Double)
        case closed
    }

    private enum ChunkPhase { case size, data(Int), dataEnd, trailers }

    /// Stop reading more pipelined requests while this much output waits to be sent.
    private static let outputHighWater = 1 << 20

    private let bev: OpaquePointer
    private let loop: EventLoop
    private var state: State = .head
    private var headStartedAt: Double?
    /// Reading is ours (a persistent read event and `recv`); the bufferevent only writes. Its
    /// own reads ask the kernel how much is waiting first: one more system call per request.
    private var readEvent: OpaquePointer?

    init(bev: OpaquePointer, loop: EventLoop) {
        self.bev = bev
        self.loop = loop
    }

    private var input: OpaquePointer { bufferevent_get_input(bev) }
    private var output: OpaquePointer { bufferevent_get_output(bev) }
    private var configuration: HTTPServerConfiguration { loop.configuration }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        bufferevent_setcb(bev, nil, connectionWrite, connectionEvent, context)
        var timeout = timeval(seconds: configuration.idleTimeoutSeconds)
        bufferevent_set_timeouts(bev, nil, &timeout)
        bufferevent_enable(bev, Int16(EV_WRITE))
        // A socket bufferevent freezes the end of its input buffer for its own reads; ours fill it.
        evbuffer_unfreeze(input, 0)
        readEvent = event_new(loop.base, bufferevent_getfd(bev), Int16(EV_READ | EV_PERSIST), connectionReceive, context)
        resumeReading()
    }

    /// Reads again, dropping the connection after `seconds` (default: the idle timeout) of silence.
    private func resumeReading(timeout seconds: Double? = nil) {
        var timeout = timeval(seconds: seconds ?? configuration.idleTimeoutSeconds)
        event_add(readEvent, &timeout)
    }

    private func pauseReading() {
        event_del(readEvent)
    }

    /// The socket has bytes (or its end) to read, or has been silent for the timeout.
    func receive(_ what: Int16) {
        if what & Int16(EV_TIMEOUT) != 0 {
            // Quiet because it is busy downloading a reply is not idle; the timeout re-arms itself.
            if case .lingering = state { return close() }
            if evbuffer_get_length(output) > 0 { return }
            return close()
        }
        var space = iovec()
        guard evbuffer_reserve_space(input, 16384, &space, 1) >= 1 else { return close() }
        let count = recv(bufferevent_getfd(bev), space.iov_base, space.iov_len, 0)
        if count > 0 {
            space.iov_len = count
            evbuffer_commit_space(input, &space, 1)
            readable()
            return
        }
        evbuffer_commit_space(input, &space, 0)
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
            case .chunked(let head, let phase, let received):
                guard readChunks(head, phase, received) else { return }
            case .lingering(let since):
                evbuffer_drain(input, evbuffer_get_length(input))
                if monotonicSeconds() - since > Connection.lingerSeconds { close() }
                return
            case .waiting, .closing, .closed:
                return
            }
        }
    }

    private static let lingerSeconds = 2.0

    /// Shuts our side once the reply is out, then drains the client's side (see `lingering`).
    private func linger() {
        Glibc.shutdown(bufferevent_getfd(bev), Int32(SHUT_WR))
        state = .lingering(since: monotonicSeconds())
        resumeReading(timeout: Connection.lingerSeconds)
        evbuffer_drain(input, evbuffer_get_length(input))
    }

    /// Parses the next request head, or returns nil when more bytes are needed or the
    /// connection was failed.
    private func readHead() -> RequestHead? {
        let available = evbuffer_get_length(input)
        guard available > 0 else { return nil }
        let found = evbuffer_search(input, "\r\n\r\n", 4, nil)
        guard found.pos >= 0 else {
            if available > configuration.maxHeadBytes {
                fail(431, "request headers exceed \(configuration.maxHeadBytes) bytes")
            } else if headStartedAt == nil {
                headStartedAt = monotonicSeconds()
            } else if let started = headStartedAt, monotonicSeconds() - started > configuration.idleTimeoutSeconds {
                close()
            }
            return nil
        }
        let length = Int(found.pos) + 4
        guard length <= configuration.maxHeadBytes else {
            fail(431, "request headers exceed \(configuration.maxHeadBytes) bytes")
            return nil
        }
        headStartedAt = nil
        let pointer = evbuffer_pullup(input, length)!
        let parsed = Result { () throws(RequestHead.Failure) -> RequestHead in
            try RequestHead.parse(UnsafeBufferPointer(start: pointer, count: length - 4))
        }
        evbuffer_drain(input, length)
        switch parsed {
        case .success(let head): return head
        case .failure(let failure):
            fail(failure.status, failure.reason)
            return nil
        }
    }

    private func beginBody(of head: RequestHead) {
        let framing: RequestHead.BodyFraming
        do { framing = try head.bodyFraming() } catch {
            fail(error.status, error.reason)
            return
        }
        if case .length(let length) = framing, length > configuration.maxBodyBytes {
            fail(413, "request body of \(length) bytes exceeds the limit of \(configuration.maxBodyBytes) bytes")
            return
        }
        if framing != .none, let expectation = head.headers["Expect"] {
            guard expectation.trimmingHTTPWhitespace().equalsIgnoringASCIICase("100-continue") else {
                fail(417, "unsupported expectation '\(expectation)'")
                return
            }
            if head.version == .http11, evbuffer_get_length(input) == 0 {
                write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
            }
        }
        switch framing {
        case .none: dispatch(head, body: [])
        case .length(let length): state = .body(head, remaining: length)
        case .chunked: state = .chunked(head, .size, received: [])
        }
    }

    /// Advances through a chunked body; false when more bytes are needed or the connection failed.
    private func readChunks(_ head: RequestHead, _ start: ChunkPhase, _ start_received: [UInt8]) -> Bool {
        var phase = start
        var received = start_received
        defer { if case .chunked = state { state = .chunked(head, phase, received: received) } }
        while true {
            switch phase {
            case .size:
                guard let line = readLine(limit: 4096) else { return false }
                let digits = line.prefix { $0 != ";" }.trimmingHTTPWhitespace()
                guard !digits.isEmpty, digits.count <= 15, let size = Int(digits, radix: 16) else {
                    fail(400, "malformed chunk size")
                    return false
                }
                if received.count + size > configuration.maxBodyBytes {
                    fail(413, "request body exceeds the limit of \(configuration.maxBodyBytes) bytes")
                    return false
                }
                phase = size == 0 ? .trailers : .data(size)
            case .data(let size):
                guard evbuffer_get_length(input) >= size else { return false }
                received.append(contentsOf: remove(size))
                phase = .dataEnd
            case .dataEnd:
                guard let line = readLine(limit: 2) else { return false }
                guard line.isEmpty else {
                    fail(400, "malformed chunk: data longer than its size")
                    return false
                }
                phase = .size
            case .trailers:
                guard let line = readLine(limit: configuration.maxHeadBytes) else { return false }
                if line.isEmpty {
                    dispatch(head, body: received)
                    return true
                }
            }
        }
    }

    /// One CRLF-terminated line, or nil when it has not fully arrived (failing the connection
    /// when it runs past `limit`).
    private func readLine(limit: Int) -> String? {
        var length = 0
        guard let line = evbuffer_readln(input, &length, EVBUFFER_EOL_CRLF) else {
            if evbuffer_get_length(input) > limit { fail(400, "line too long in chunked body") }
            return nil
        }
        defer { free(line) }
        return String(decoding: UnsafeRawBufferPointer(start: line, count: length), as: UTF8.self)
    }

    private func remove(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = Int(evbuffer_remove(input, buffer.baseAddress, count))
        }
    }

    // MARK: Replying

    private func dispatch(_ head: RequestHead, body: [UInt8]) {
        let request = HTTPRequest(method: head.method, target: head.target, version: head.version, headers: head.headers, body: body)
        let response = loop.handler.respond(to: request)
        let keepAlive = head.keepAlive && !response.closeConnection
        let isHead = head.method == "HEAD"
        if response.delayMilliseconds > 0 {
            state = .waiting
            pauseReading()
            loop.after(milliseconds: response.delayMilliseconds) { [self] in
                guard case .waiting = state else { return }
                state = .head
                send(response, isHead: isHead, keepAlive: keepAlive)
                if case .head = state {
                    resumeReading()
                    readable()
                }
            }
        } else {
            state = .head
            send(response, isHead: isHead, keepAlive: keepAlive)
        }
    }

    private func send(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool) {
        let date = loop.dateCache.current()
        switch response.fault {
        case .reset?:
            reset()
        case .empty?:
            write(ResponseEncoding.head(of: response, contentLength: response.body.count, keepAlive: false, date: date))
            finish(keepAlive: false)
        case .truncate?:
            // Announce the whole body (plus one byte when it is empty) and send only half of it.
            let announced = max(response.body.count, 1)
            write(ResponseEncoding.head(of: response, contentLength: announced, keepAlive: false, date: date))
            writeBody(response.body, prefix: response.body.count / 2)
            finish(keepAlive: false)
        case nil:
            var head = ResponseEncoding.head(of: response, contentLength: response.body.count, keepAlive: keepAlive, date: date)
            if !isHead, case .bytes(let body) = response.body {
                head.append(contentsOf: body)
                write(head)
            } else {
                // A file follows: hold the head back so that it leaves with the file's first bytes.
                write(head, more: !isHead && response.body.count > 0)
                if !isHead { writeBody(response.body, prefix: response.body.count) }
            }
            finish(keepAlive: keepAlive)
        }
    }

    private func writeBody(_ body: HTTPResponse.Body, prefix count: Int) {
        switch body {
        case .bytes(let bytes):
            bytes.withUnsafeBytes { _ = evbuffer_add(output, $0.baseAddress, count) }
        case .file(let path, let offset, _):
            guard count > 0 else { return }
            // The head is already out; a file that vanished can only end the connection.
            guard let fd = loop.openFile(path) else { return reset() }
            var position = off_t(offset)
            let end = off_t(offset + count)
            if evbuffer_get_length(output) == 0 {
                // Straight from the page cache to the socket, as far as the socket takes it.
                while position < end {
                    let sent = sendfile(bufferevent_getfd(bev), fd, &position, Int(end - position))
                    if sent <= 0 { break }
                }
            }
            guard position < end else { return }
            // The rest goes as the socket drains. libevent maps it and writes it with writev, not
            // its own sendfile: libevent 2.1 reports a sendfile that would block as a 0-byte write,
            // which its bufferevent takes for the end of the connection, cutting downloads short.
            let copy = dup(fd)
            let flags = UInt32(EVBUF_FS_DISABLE_SENDFILE | EVBUF_FS_CLOSE_ON_FREE)
            guard copy >= 0, let segment = evbuffer_file_segment_new(copy, Int64(position), Int64(end - position), flags) else {
                if copy >= 0 { Glibc.close(copy) }
                return reset()
            }
            defer { evbuffer_file_segment_free(segment) }
            if evbuffer_add_file_segment(output, segment, 0, Int64(end - position)) != 0 { reset() }
        }
    }

    private func write(_ bytes: [UInt8], more: Bool = false) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            if evbuffer_get_length(output) == 0 {
                let flags = Int32(MSG_NOSIGNAL | MSG_DONTWAIT) | (more ? Int32(MSG_MORE) : 0)
                let sent = Glibc.send(bufferevent_getfd(bev), buffer.baseAddress, buffer.count, flags)
                if sent > 0 { offset = sent }
            }
            if offset < buffer.count { _ = evbuffer_add(output, buffer.baseAddress! + offset, buffer.count - offset) }
        }
    }

    private func finish(keepAlive: Bool) {
        guard case .head = state else { return }  // reset() may have closed the connection
        if !keepAlive {
            state = .closing
            pauseReading()
            // Everything already went out directly: no write event will come to close it.
            if evbuffer_get_length(output) == 0 { linger() }
        }
    }

    /// Refuses the current request and closes the connection once the refusal is sent.
    private func fail(_ status: Int, _ message: String) {
        var response = configuration.errorResponse(status, message)
        response.closeConnection = true
        state = .head
        send(response, isHead: false, keepAlive: false)
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
        default:
            break
        }
    }

    /// A write failed, or made no progress for the idle timeout: the client is gone.
    func event(_ events: Int16) {
        close()
    }

    /// Drops the connection with a TCP reset.
    private func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(bufferevent_getfd(bev), SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    func close() {
        if case .closed = state { return }
        state = .closed
        if let readEvent { event_free(readEvent) }
        bufferevent_free(bev)
        Unmanaged.passUnretained(self).release()
    }
}

private func connection(_ context: UnsafeMutableRawPointer?) -> Connection {
    Unmanaged<Connection>.fromOpaque(context!).takeUnretainedValue()
}

private let connectionReceive: event_callback_fn = { _, what, context in connection(context).receive(what) }
private let connectionWrite: bufferevent_data_cb = { _, context in connection(context).writable() }
private let connectionEvent: bufferevent_event_cb = { _, events, context in connection(context).event(events) }

func monotonicSeconds() -> Double {
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
