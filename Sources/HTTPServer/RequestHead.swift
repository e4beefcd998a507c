import Glibc

/// The request line and header fields of a request, before its body.
struct RequestHead: Equatable {
    var method: HTTPMethod
    var target: String
    var version: HTTPRequest.Version
    var headers: RequestHeaders

    /// Why a head could not be parsed: answered with `status` and the connection closed.
    struct Failure: Error, Equatable {
        var status: Int
        var reason: String
    }

    /// Parses the bytes up to, not including, the blank line that ends the head.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> RequestHead {
        var lines = LineIterator(bytes: bytes)
        // RFC 9112 §2.2: ignore empty lines before the request line.
        var requestLine = lines.next()
        while let line = requestLine, line.isEmpty { requestLine = lines.next() }
        guard let requestLine else { throw Failure(status: 400, reason: "missing request line") }

        // METHOD SP TARGET SP VERSION, single spaces.
        guard let firstSpace = requestLine.firstIndex(of: UInt8(ascii: " ")),
            let secondSpace = requestLine[(firstSpace + 1)...].firstIndex(of: UInt8(ascii: " ")),
            !requestLine[(secondSpace + 1)...].contains(UInt8(ascii: " "))
        else { throw Failure(status: 400, reason: "malformed request line") }
        let method = requestLine[..<firstSpace]
        let target = requestLine[(firstSpace + 1)..<secondSpace]
        guard !method.isEmpty, !target.isEmpty else { throw Failure(status: 400, reason: "malformed request line") }
        guard method.allSatisfy(isTokenByte) else { throw Failure(status: 400, reason: "malformed method") }
        guard target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Failure(status: 400, reason: "malformed request target")
        }
        let version: HTTPRequest.Version
        switch String(decoding: requestLine[(secondSpace + 1)...], as: UTF8.self) {
        case "HTTP/1.1": version = .http11
        case "HTTP/1.0": version = .http10
        case let v where v.hasPrefix("HTTP/"): throw Failure(status: 505, reason: "HTTP version \(v.dropFirst(5)) is not supported")
        default: throw Failure(status: 400, reason: "malformed HTTP version")
        }

        // The head's bytes, kept once: the fields are ranges of them.
        var headers = RequestHeaders(bytes: Array(bytes))
        while let line = lines.next() {
            guard let first = line.first else { break }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                throw Failure(status: 400, reason: "obsolete header line folding is not accepted")
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                line[line.startIndex..<colon].allSatisfy(isTokenByte)
            else { throw Failure(status: 400, reason: "malformed header field") }
            var valueStart = colon + 1
            var valueEnd = line.endIndex
            while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            guard line[valueStart..<valueEnd].allSatisfy({ ($0 >= 0x20 && $0 != 0x7F) || $0 == 0x09 }) else {
                throw Failure(status: 400, reason: "control character in header value")
            }
            headers.append(name: line.startIndex..<colon, value: valueStart..<valueEnd)
        }
        return RequestHead(
            method: HTTPMethod(method),
            target: String(decoding: target, as: UTF8.self),
            version: version, headers: headers)
    }

    /// How the body is framed (RFC 9112 §6.3).
    enum BodyFraming: Equatable {
        case none
        case length(Int)
        case chunked
    }

    /// How the body is framed, refused when it is larger than `maxBodyBytes` says or expects
    /// anything but `100-continue`.
    func checkedFraming(maxBodyBytes: Int) throws(Failure) -> BodyFraming {
        let framing = try bodyFraming()
        if case .length(let length) = framing, length > maxBodyBytes {
            throw Failure(status: 413, reason: "request body of \(length) bytes exceeds the limit of \(maxBodyBytes) bytes")
        }
        if framing != .none, let expectation = headers[.expect],
            !expectation.trimmingHTTPWhitespace().equalsIgnoringASCIICase("100-continue")
        {
            throw Failure(status: 417, reason: "unsupported expectation '\(expectation)'")
        }
        return framing
    }

    func bodyFraming() throws(Failure) -> BodyFraming {
        if let encoding = headers[.transferEncoding] {
            guard encoding.trimmingHTTPWhitespace().lowercased().hasSuffix("chunked") else {
                throw Failure(status: 501, reason: "Transfer-Encoding '\(encoding)' is not supported")
            }
            if headers[.contentLength] != nil {
                throw Failure(status: 400, reason: "both Transfer-Encoding and Content-Length were sent")
            }
            return .chunked
        }
        guard let first = headers[.contentLength] else { return .none }
        guard !first.isEmpty, first.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let length = Int(first),
            headers.values(of: "Content-Length").allSatisfy({ $0 == first })
        else { throw Failure(status: 400, reason: "invalid Content-Length") }
        return length == 0 ? .none : .length(length)
    }

    /// Whether the connection stays open after the reply, by version and `Connection` header.
    var keepAlive: Bool {
        let connection = headers[.connection]
        switch version {
        case .http11: return !(connection?.containsHTTPToken("close") ?? false)
        case .http10: return connection?.containsHTTPToken("keep-alive") ?? false
        }
    }
}

/// RFC 9110 token characters.
func isTokenByte(_ byte: UInt8) -> Bool { tokenBytes[Int(byte)] }

/// By byte: whether it is a token character (letters, digits and `!#$%&'*+-.^_`|~`).
private let tokenBytes: [Bool] = (0...255).map { byte in
    switch UInt8(byte) {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
    default: "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte))
    }
}

/// Splits bytes into lines ending in CRLF (a lone LF is accepted too).
private struct LineIterator: IteratorProtocol {
    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    mutating func next() -> Slice<UnsafeBufferPointer<UInt8>>? {
        guard position < bytes.count, let base = bytes.baseAddress else { return nil }
        var end = bytes.count
        if let newline = memchr(base + position, 0x0A, bytes.count - position) {
            end = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base
        }
        defer { position = end + 1 }
        return bytes[position..<(end > position && bytes[end - 1] == 0x0D ? end - 1 : end)]
    }
}
