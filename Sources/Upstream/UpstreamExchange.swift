import CLibevent
import CUpstream
import Glibc
import HTTPServer

/// What an exchange reports, on the loop it was started on.
package protocol UpstreamDelegate: AnyObject {
    /// The reply's head; `length` nil when the body's length is not known ahead.
    func upstreamHead(_ head: ResponseHead, length: Int?)
    /// Body bytes as they arrive, chunked framing removed (a content coding is left as sent).
    func upstreamBody(_ bytes: UnsafeRawBufferPointer)
    /// The reply is complete (nil), or the exchange failed.
    func upstreamEnd(_ failure: UpstreamFailure?)
}

/// One request to an upstream server over its own connection (plain or TLS), its reply read as
/// it arrives. Reading pauses when asked, so a slow client slows the upstream read.
package final class UpstreamExchange {
    package struct Request: Sendable {
        package var method: String
        /// Path and query, as sent upstream (the upstream's base path already in front).
        package var target: String
        package var headers: HTTPHeaders
        package var body: [UInt8]

        package init(method: String, target: String, headers: HTTPHeaders, body: [UInt8]) {
            self.method = method
            self.target = target
            self.headers = headers
            self.body = body
        }
    }

    private enum Reading {
        case connecting
        case head
        case length(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case trailers
        case untilClose
        case done
    }

    /// Seconds to connect (TLS handshake included) and, after that, of silence.
    static let connectTimeout = 30.0
    static let readTimeout = 300.0
    static let maxHeadBytes = 64 << 10

    private let url: UpstreamURL
    private let tls: TLSContext?
    private let request: Request
    private weak var delegate: (any UpstreamDelegate)?
    private var bev: OpaquePointer?
    private var reading = Reading.connecting
    private var paused = false

    package init(url: UpstreamURL, tls: TLSContext?, request: Request, delegate: any UpstreamDelegate) {
        self.url = url
        self.tls = tls
        self.request = request
        self.delegate = delegate
    }

    /// Connects (resolving the host name, blocking: upstreams are few and their names cached by
    /// the system) and sends the request.
    package func start(base: OpaquePointer) {
        var error = [CChar](repeating: 0, count: 256)
        if url.isTLS {
            guard let tls else { return finish(UpstreamFailure(kind: .tls, reason: "no TLS context")) }
            bev = vm_tls_bufferevent(base, tls.context, url.host, &error, error.count)
            guard bev != nil else { return finish(UpstreamFailure(kind: .tls, reason: text(error))) }
        } else {
            bev = bufferevent_socket_new(base, -1, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue))
        }
        guard let bev else { return finish(UpstreamFailure(kind: .connect, reason: "cannot make a socket")) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        bufferevent_setcb(bev, exchangeRead, nil, exchangeEvent, context)
        var timeout = timeval(tv_sec: Int(Self.connectTimeout), tv_usec: 0)
        bufferevent_set_timeouts(bev, &timeout, &timeout)
        bufferevent_enable(bev, Int16(EV_READ | EV_WRITE))
        if bufferevent_socket_connect_hostname(bev, nil, AF_UNSPEC, url.host, Int32(url.port)) != 0 {
            finish(UpstreamFailure(kind: .connect, reason: "cannot connect to \(url.authority)"))
        }
    }

    package func pause() {
        paused = true
        if let bev { bufferevent_disable(bev, Int16(EV_READ)) }
    }

    package func resume() {
        guard paused else { return }
        paused = false
        guard let bev else { return }
        bufferevent_enable(bev, Int16(EV_READ))
        readable()
    }

    /// Stops without telling the delegate.
    package func cancel() {
        delegate = nil
        close()
    }

    // MARK: Events

    fileprivate func event(_ events: Int16) {
        if events & Int16(BEV_EVENT_CONNECTED) != 0 {
            reading = .head
            var timeout = timeval(tv_sec: Int(Self.readTimeout), tv_usec: 0)
            bufferevent_set_timeouts(bev, &timeout, &timeout)
            let bytes = requestBytes()
            bufferevent_write(bev, bytes, bytes.count)
            return
        }
        if events & Int16(BEV_EVENT_EOF) != 0 {
            readable()
            if case .untilClose = reading { return finish(nil) }
            if case .done = reading { return }
            return finish(UpstreamFailure(kind: .protocolError, reason: "\(url.authority) closed the connection before the reply ended"))
        }
        if events & Int16(BEV_EVENT_TIMEOUT) != 0 {
            let phase = if case .connecting = reading { "to connect" } else { "to answer" }
            return finish(UpstreamFailure(kind: .timeout, reason: "\(url.authority) took too long \(phase)"))
        }
        // BEV_EVENT_ERROR: a failed resolution, a refused connection or a TLS failure.
        let socketError = errno
        if let bev, bufferevent_socket_get_dns_error(bev) != 0 {
            let reason = text(evutil_gai_strerror(bufferevent_socket_get_dns_error(bev)))
            return finish(UpstreamFailure(kind: .connect, reason: "cannot resolve \(url.host): \(reason)"))
        }
        if url.isTLS, let bev {
            var error = [CChar](repeating: 0, count: 256)
            if vm_tls_failure(bev, &error, error.count) != 0 {
                return finish(UpstreamFailure(kind: .tls, reason: "TLS with \(url.authority): \(text(error))"))
            }
        }
        let reason = socketError != 0 ? text(strerror(socketError)) : "connection failed"
        finish(UpstreamFailure(kind: .connect, reason: "\(url.authority): \(reason)"))
    }

    private func requestBytes() -> [UInt8] {
        var text = "\(request.method) \(request.target) HTTP/1.1\r\nHost: \(url.authority)\r\n"
        for field in request.headers { text += "\(field.name): \(field.value)\r\n" }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            text += "Content-Length: \(request.body.count)\r\n"
        }
        text += "Connection: close\r\n\r\n"
        return Array(text.utf8) + request.body
    }

    /// Reads what has arrived, as far as the reply's framing and any pause allow.
    fileprivate func readable() {
        guard let bev else { return }
        let input = bufferevent_get_input(bev)!
        while !paused, self.bev != nil {
            let available = evbuffer_get_length(input)
            switch reading {
            case .connecting, .done:
                evbuffer_drain(input, available)
                return
            case .head:
                let found = evbuffer_search(input, "\r\n\r\n", 4, nil)
                guard found.pos >= 0 else {
                    if available > Self.maxHeadBytes { failProtocol("reply headers over \(Self.maxHeadBytes) bytes") }
                    return
                }
                let length = Int(found.pos)
                let head = ResponseHead.parse(UnsafeRawBufferPointer(start: evbuffer_pullup(input, length), count: length))
                evbuffer_drain(input, length + 4)
                guard let head else { return failProtocol("a reply head that does not parse") }
                if head.status < 200 { continue }  // 100 Continue and the like
                begin(head)
            case .length(let remaining):
                guard available > 0 else { return }
                let count = deliver(input, min(available, remaining))
                reading = remaining == count ? .done : .length(remaining: remaining - count)
                if remaining == count { return finish(nil) }
            case .untilClose:
                guard available > 0 else { return }
                _ = deliver(input, available)
            case .chunkSize:
                guard let line = readLine(input) else { return }
                let size = line.split(separator: ";").first.map { $0.trimmingHTTPWhitespace() }.flatMap { Int($0, radix: 16) }
                guard let size, size >= 0 else { return failProtocol("a chunk size that does not parse: \(line.prefix(40))") }
                reading = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                guard available > 0 else { return }
                let count = deliver(input, min(available, remaining))
                reading = remaining == count ? .chunkEnd : .chunkData(remaining: remaining - count)
            case .chunkEnd:
                guard let line = readLine(input) else { return }
                guard line.isEmpty else { return failProtocol("a chunk longer than its size") }
                reading = .chunkSize
            case .trailers:
                guard let line = readLine(input) else { return }
                if line.isEmpty {
                    reading = .done
                    return finish(nil)
                }
            }
        }
    }

    private func begin(_ head: ResponseHead) {
        let noBody = request.method == "HEAD" || head.status == 204 || head.status == 304
        let chunked = head.headers["Transfer-Encoding"]?.containsHTTPToken("chunked") ?? false
        let length = head.headers["Content-Length"].flatMap { Int($0.trimmingHTTPWhitespace()) }
        if noBody {
            delegate?.upstreamHead(head, length: request.method == "HEAD" ? length : 0)
            reading = .done
            return finish(nil)
        }
        if chunked {
            reading = .chunkSize
            delegate?.upstreamHead(head, length: nil)
        } else if let length {
            reading = length == 0 ? .done : .length(remaining: length)
            delegate?.upstreamHead(head, length: length)
            if length == 0 { finish(nil) }
        } else {
            reading = .untilClose
            delegate?.upstreamHead(head, length: nil)
        }
    }

    /// Hands up to `count` bytes to the delegate, from the buffer's first piece; returns how many.
    private func deliver(_ input: OpaquePointer, _ count: Int) -> Int {
        var piece = iovec()
        guard evbuffer_peek(input, count, nil, &piece, 1) >= 1 else { return 0 }
        let taken = min(count, piece.iov_len)
        delegate?.upstreamBody(UnsafeRawBufferPointer(start: piece.iov_base, count: taken))
        // The delegate may have stopped the exchange: the buffer went with its bufferevent.
        if bev != nil { evbuffer_drain(input, taken) }
        return taken
    }

    private func readLine(_ input: OpaquePointer) -> String? {
        var length = 0
        guard let line = evbuffer_readln(input, &length, EVBUFFER_EOL_CRLF) else {
            if evbuffer_get_length(input) > 4096 { failProtocol("a chunk line over 4096 bytes") }
            return nil
        }
        defer { free(line) }
        return text(line)
    }

    private func failProtocol(_ reason: String) {
        finish(UpstreamFailure(kind: .protocolError, reason: "\(url.authority) sent \(reason)"))
    }

    private func finish(_ failure: UpstreamFailure?) {
        reading = .done
        let delegate = delegate
        self.delegate = nil
        close()
        delegate?.upstreamEnd(failure)
    }

    private func close() {
        if let bev { bufferevent_free(bev) }
        bev = nil
    }

    deinit { close() }
}

private func exchange(_ context: UnsafeMutableRawPointer?) -> UpstreamExchange {
    Unmanaged<UpstreamExchange>.fromOpaque(context!).takeUnretainedValue()
}

// Each callback holds the exchange for its duration: what it tells its delegate may let go of it.
private let exchangeRead: bufferevent_data_cb = { _, context in
    let target = exchange(context)
    withExtendedLifetime(target) { target.readable() }
}
private let exchangeEvent: bufferevent_event_cb = { _, events, context in
    let target = exchange(context)
    withExtendedLifetime(target) { target.event(events) }
}

/// A C string's text.
func text(_ characters: UnsafePointer<CChar>) -> String {
    String(decoding: UnsafeRawBufferPointer(start: characters, count: strlen(characters)), as: UTF8.self)
}
