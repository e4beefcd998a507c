import CLibevent
import Glibc
import JSON

/// How a connection answers: in order, straight to the socket when it can, delayed or broken
/// on purpose when a scenario says so, and closed without a reset once it is done.
extension Connection {

    func dispatch(_ head: RequestHead, body: [UInt8]) {
        let response = loop.handler.respond(to: HTTPRequest(head, body: body))
        let keepAlive = head.keepAlive && !response.closeConnection && !loop.isDraining
        let isHead = head.method == .head
        if case .relay(let relay) = response.body {
            startRelay(relay, isHead: isHead, keepAlive: keepAlive, http10: head.version != .http11)
        } else if response.delayMilliseconds > 0 {
            state = .waiting
            pauseReading()
            let response = response.kept
            loop.after(milliseconds: response.delayMilliseconds) { [self] in
                guard case .waiting = state else { return }
                state = .head
                send(response, isHead: isHead, keepAlive: keepAlive && !loop.isDraining)  // a stop may have begun meanwhile
                readOnAfterPause()
            }
        } else {
            state = .head
            send(response, isHead: isHead, keepAlive: keepAlive)
        }
    }

    /// After a paused reply went out on a connection still open: reads again, and serves what
    /// the client pipelined meanwhile.
    func readOnAfterPause() {
        guard case .head = state else { return }
        resumeReading()
        readable()
    }

    private func send(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool) {
        let date = loop.dateCache.pointee.current()
        switch response.fault {
        case .reset?:
            reset()
        case .stall?:
            state = .stalled
            resumeReading()
        case .empty?:
            write(ResponseEncoding.head(of: response, contentLength: response.body.count, keepAlive: false, date: date))
            finish(keepAlive: false)
        case .truncate?:
            // Announce the whole body (plus one byte when it is empty) and send only half of it.
            let announced = max(response.body.count, 1)
            write(ResponseEncoding.head(of: response, contentLength: announced, keepAlive: false, date: date))
            writeBody(response.body, 0..<(response.body.count / 2))
            finish(keepAlive: false)
        case nil where response.throttle != nil || response.cut != nil:
            sendShaped(response, isHead: isHead, keepAlive: keepAlive)
        case nil:
            loop.replyHead.pointee.removeAll()
            ResponseEncoding.writeHead(
                of: response, contentLength: response.body.count, keepAlive: keepAlive, date: date, into: &loop.replyHead.pointee)
            if !isHead, case .written(let mark) = response.body {
                ReplyBuffer.withBytes(mark) { write(loop.replyHead.pointee, then: UnsafeRawBufferPointer($0)) }
            } else if !isHead, case .bytes(let body) = response.body {
                body.withUnsafeBytes { write(loop.replyHead.pointee, then: $0) }
            } else {
                let head = loop.replyHead.pointee.array
                // A file follows: hold the head back so that it leaves with the file's first bytes.
                write(head, more: !isHead && response.body.count > 0)
                if !isHead { writeBody(response.body, 0..<response.body.count) }
            }
            finish(keepAlive: keepAlive)
        }
    }

    /// A reply shaped on purpose: its headers promise the whole body, which goes out slowly
    /// (`throttle`, a tenth of the rate every 100 ms) or only in part (`cut`, then the connection
    /// closes).
    private func sendShaped(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool) {
        let response = response.kept  // a throttled body goes out later
        let count = response.body.count
        let end = response.cut.map { $0.sent(of: count) } ?? count
        let keepAlive = keepAlive && response.cut == nil
        write(ResponseEncoding.head(of: response, contentLength: count, keepAlive: keepAlive, date: loop.dateCache.pointee.current()))
        guard !isHead, let rate = response.throttle else {
            if !isHead { writeBody(response.body, 0..<end) }
            return finish(keepAlive: keepAlive)
        }
        state = .waiting
        pauseReading()
        trickle(response.body, from: 0, to: end, slice: max(1, rate / 10), keepAlive: keepAlive)
    }

    private func trickle(_ body: HTTPResponse.Body, from start: Int, to end: Int, slice: Int, keepAlive: Bool) {
        let next = min(end, start + slice)
        writeBody(body, start..<next)
        guard next < end else {
            state = .head
            finish(keepAlive: keepAlive)
            readOnAfterPause()
            return
        }
        loop.after(milliseconds: 100) { [self] in
            guard case .waiting = state else { return }  // the client went away meanwhile
            trickle(body, from: next, to: end, slice: slice, keepAlive: keepAlive)
        }
    }

    /// Adds `range` of the body to what goes out.
    private func writeBody(_ body: HTTPResponse.Body, _ range: Range<Int>) {
        guard !range.isEmpty else { return }
        switch body {
        case .relay: return  // sent by `startRelay`
        case .bytes(let bytes):
            bytes.withUnsafeBytes { _ = evbuffer_add(output, $0.baseAddress! + range.lowerBound, range.count) }
        case .written(let mark):
            ReplyBuffer.withBytes(mark) { _ = evbuffer_add(output, $0.baseAddress! + range.lowerBound, range.count) }
        case .file(let path, let offset, _):
            // The head is already out; a file that vanished can only end the connection.
            guard let fd = loop.openFile(path) else { return reset() }
            var position = off_t(offset + range.lowerBound)
            let end = off_t(offset + range.upperBound)
            if evbuffer_get_length(output) == 0 {
                // Straight from the page cache to the socket, as far as the socket takes it.
                while position < end {
                    let sent = sendfile(socket, fd, &position, Int(end - position))
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

    func write(_ bytes: [UInt8], more: Bool = false) {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            if evbuffer_get_length(output) == 0 {
                let flags = Int32(MSG_NOSIGNAL | MSG_DONTWAIT) | (more ? Int32(MSG_MORE) : 0)
                let sent = Glibc.send(socket, buffer.baseAddress, buffer.count, flags)
                if sent > 0 { offset = sent }
            }
            if offset < buffer.count { _ = evbuffer_add(output, buffer.baseAddress! + offset, buffer.count - offset) }
        }
    }

    /// Sends a head and the body after it in one call when nothing waits before them (no copy
    /// into one array); what the socket does not take is buffered.
    func write(_ head: borrowing ByteBuffer, then body: UnsafeRawBufferPointer) {
        head.withBytes { head in
            var sent = 0
            if evbuffer_get_length(output) == 0 {
                sent = withUnsafeTemporaryAllocation(of: iovec.self, capacity: 2) { parts in
                    parts[0] = iovec(iov_base: UnsafeMutableRawPointer(mutating: head.baseAddress), iov_len: head.count)
                    parts[1] = iovec(iov_base: UnsafeMutableRawPointer(mutating: body.baseAddress), iov_len: body.count)
                    var message = msghdr()
                    message.msg_iov = parts.baseAddress
                    message.msg_iovlen = body.isEmpty ? 1 : 2
                    return max(0, sendmsg(socket, &message, Int32(MSG_NOSIGNAL | MSG_DONTWAIT)))
                }
            }
            if sent < head.count { _ = evbuffer_add(output, head.baseAddress! + sent, head.count - sent) }
            let bodySent = max(0, sent - head.count)
            if bodySent < body.count { _ = evbuffer_add(output, body.baseAddress! + bodySent, body.count - bodySent) }
        }
    }

    func finish(keepAlive: Bool) {
        guard case .head = state else { return }  // reset() may have closed the connection
        if !keepAlive {
            state = .closing
            pauseReading()
            // Everything already went out directly: no write event will come to close it.
            if evbuffer_get_length(output) == 0 { linger() }
        }
    }

    /// Refuses the current request and closes the connection once the refusal is sent.
    func fail(_ status: Int, _ message: String) {
        var response = configuration.errorResponse(status, message)
        response.closeConnection = true
        state = .head
        send(response, isHead: false, keepAlive: false)
    }
}
