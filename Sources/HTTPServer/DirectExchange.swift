import Glibc

/// Answers requests given as bytes, without a socket: the same head parser, body framing,
/// handler and reply writer a connection uses, so that tests of everything above the wire run
/// without one. Scripted delays and throttles are not waited out; a reset, a stall or a cut
/// gives the bytes a client would have received.
package struct DirectExchange: Sendable {
    let handler: any HTTPHandler
    let configuration: HTTPServerConfiguration

    package init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// The reply's bytes to one request's bytes (head and whole body).
    package func respond(to bytes: [UInt8]) -> [UInt8] {
        var dates = HTTPDateCache()
        let date = dates.current()
        guard let (head, body) = read(bytes) else {
            return encode(configuration.errorResponse(400, "the request is incomplete"), isHead: false, keepAlive: false, date: date)
        }
        switch head {
        case .failure(let failure):
            return encode(configuration.errorResponse(failure.status, failure.reason), isHead: false, keepAlive: false, date: date)
        case .success(let head):
            let request = HTTPRequest(head, body: body)
            var response = handler.respond(to: request)
            if case .relay(let relay) = response.body {
                // A relay reads from a socket on an event loop; here there is neither.
                relay.cancel()
                response = configuration.errorResponse(502, "a relayed reply needs a served connection, not router mode")
            }
            return encode(response, isHead: head.method == .head, keepAlive: head.keepAlive && !response.closeConnection, date: date)
        }
    }

    /// The head and body in `bytes`, or a refusal; nil when they end too soon.
    private func read(_ bytes: [UInt8]) -> (Result<RequestHead, RequestHead.Failure>, [UInt8])? {
        guard let end = bytes.firstRange(of: Array("\r\n\r\n".utf8))?.lowerBound else { return nil }
        guard end + 4 <= configuration.maxHeadBytes else {
            return (.failure(.init(status: 431, reason: "request headers exceed \(configuration.maxHeadBytes) bytes")), [])
        }
        let parsed = bytes.withUnsafeBufferPointer { all in
            Result { () throws(RequestHead.Failure) in try RequestHead.parse(UnsafeBufferPointer(rebasing: all[..<end])) }
        }
        guard case .success(let head) = parsed else { return (parsed, []) }
        let rest = Array(bytes[(end + 4)...])
        let framing: RequestHead.BodyFraming
        do { framing = try head.checkedFraming(maxBodyBytes: configuration.maxBodyBytes) } catch { return (.failure(error), []) }
        switch framing {
        case .none: return (parsed, [])
        case .length(let length): return rest.count >= length ? (parsed, Array(rest.prefix(length))) : nil
        case .chunked:
            var decoder = ChunkedBodyDecoder(maxBodyBytes: configuration.maxBodyBytes, maxTrailerBytes: configuration.maxHeadBytes)
            switch rest.withUnsafeBufferPointer({ decoder.feed($0) }).1 {
            case .complete: return (parsed, decoder.body)
            case .needsMore: return nil
            case .failed(let status, let reason): return (.failure(.init(status: status, reason: reason)), [])
            }
        }
    }

    /// What a client receives of `response`.
    private func encode(_ response: HTTPResponse, isHead: Bool, keepAlive: Bool, date: HTTPDate) -> [UInt8] {
        let count = response.body.count
        switch response.fault {
        case .reset?, .stall?: return []
        case .empty?: return ResponseEncoding.head(of: response, contentLength: count, keepAlive: false, date: date)
        case .truncate?:
            return ResponseEncoding.head(of: response, contentLength: max(count, 1), keepAlive: false, date: date)
                + bytes(of: response.body, 0..<(count / 2))
        case nil:
            let sent = response.cut.map { $0.sent(of: count) } ?? count
            let head = ResponseEncoding.head(
                of: response, contentLength: count, keepAlive: keepAlive && response.cut == nil, date: date)
            return isHead ? head : head + bytes(of: response.body, 0..<sent)
        }
    }

    private func bytes(of body: HTTPResponse.Body, _ range: Range<Int>) -> [UInt8] {
        switch body {
        case .relay: return []
        case .bytes(let bytes): return Array(bytes[range])
        case .written(let mark): return ReplyBuffer.withBytes(mark) { Array($0[range]) }
        case .file(let path, let offset, _):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return [] }
            defer { close(fd) }
            return [UInt8](unsafeUninitializedCapacity: range.count) { buffer, count in
                count = max(0, pread(fd, buffer.baseAddress, range.count, off_t(offset + range.lowerBound)))
            }
        }
    }
}
