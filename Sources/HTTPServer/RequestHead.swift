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
        try ByteClasses.table.withUnsafeBufferPointer { (classes) throws(Failure) -> RequestHead in
            try parse(bytes, classes: classes.baseAddress!)
        }
    }

    /// The parse proper, each byte's class read from `classes` (looked up once, not per byte).
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, classes: UnsafePointer<UInt8>) throws(Failure) -> RequestHead {
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
        guard ByteClasses.all(method, are: ByteClasses.token, in: classes) else { throw Failure(status: 400, reason: "malformed method") }
        guard ByteClasses.all(target, are: ByteClasses.target, in: classes) else {
            throw Failure(status: 400, reason: "malformed request target")
        }
        let versionBytes = requestLine[(secondSpace + 1)...]
        let version: HTTPRequest.Version
        // Read as one word: "HTTP/1.1" is the version nearly every request has.
        let word =
            versionBytes.count == 8 ? UnsafeRawPointer(bytes.baseAddress! + versionBytes.startIndex).loadUnaligned(as: UInt64.self) : 0
        if word == ByteClasses.http11 {
            version = .http11
        } else if word == ByteClasses.http10 {
            version = .http10
        } else {
            let text = String(decoding: versionBytes, as: UTF8.self)
            guard text.hasPrefix("HTTP/") else { throw Failure(status: 400, reason: "malformed HTTP version") }
            throw Failure(status: 505, reason: "HTTP version \(text.dropFirst(5)) is not supported")
        }

        // The head's bytes, kept once: the fields are ranges of them. The fields are read over
        // raw pointers (a slice's subscript checks its bounds on every byte).
        var headers = RequestHeaders(copying: bytes)
        let base = bytes.baseAddress!, end = bytes.count
        var position = lines.position
        while position < end {
            var lineEnd = end
            if let newline = memchr(base + position, 0x0A, end - position) {
                lineEnd = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
            }
            let stop = lineEnd > position && base[lineEnd - 1] == 0x0D ? lineEnd - 1 : lineEnd
            guard stop > position else { break }
            if base[position] == UInt8(ascii: " ") || base[position] == UInt8(ascii: "\t") {
                throw Failure(status: 400, reason: "obsolete header line folding is not accepted")
            }
            // The name: token bytes up to the colon.
            var colon = position
            while colon < stop, classes[Int(base[colon])] & ByteClasses.token != 0 { colon += 1 }
            guard colon > position, colon < stop, base[colon] == UInt8(ascii: ":") else {
                throw Failure(status: 400, reason: "malformed header field")
            }
            var valueStart = colon + 1
            var valueEnd = stop
            while valueStart < valueEnd, base[valueStart] == 0x20 || base[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, base[valueEnd - 1] == 0x20 || base[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            guard ByteClasses.isFieldValue(base + valueStart, count: valueEnd - valueStart, in: classes) else {
                throw Failure(status: 400, reason: "control character in header value")
            }
            let known = RequestHeaders.Known.named(UnsafeBufferPointer(start: base + position, count: colon - position))
            headers.append(name: position..<colon, value: valueStart..<valueEnd, known: known)
            position = lineEnd + 1
        }
        return RequestHead(
            method: HTTPMethod(method), target: String(decoding: target, as: UTF8.self), version: version, headers: headers)
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
            headers.valuesAgree(.contentLength)
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

/// What each byte may be in a head, as bits: a token character (RFC 9110: letters, digits and
/// `!#$%&'*+-.^_`|~`), a request-target character (visible ASCII), a header-value character
/// (visible, space, tab and any byte of 0x80 and over).
enum ByteClasses {
    static let token: UInt8 = 1
    static let target: UInt8 = 2
    static let value: UInt8 = 4

    static let table: [UInt8] = (0...255).map { byte in
        var classes: UInt8 = 0
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            classes |= token
        default: if "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte)) { classes |= token }
        }
        if byte > 0x20 && byte < 0x7F { classes |= target }
        if (byte >= 0x20 && byte != 0x7F) || byte == 0x09 { classes |= value }
        return classes
    }

    /// "HTTP/1.1" and "HTTP/1.0" as little-endian words.
    static let http11 = UInt64(littleEndian: 0x312E_312F_5054_5448)
    static let http10 = UInt64(littleEndian: 0x302E_312F_5054_5448)

    /// Whether every byte may be in a header value, eight at a time: a word with no byte under
    /// 0x20 and none equal to 0x7F passes whole; only a word with a tab (or a bad byte) is
    /// looked at byte by byte.
    static func isFieldValue(_ bytes: UnsafePointer<UInt8>, count: Int, in classes: UnsafePointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func bytewise(_ start: Int, _ end: Int) -> Bool {
            for index in start..<end where classes[Int(bytes[index])] & value == 0 { return false }
            return true
        }
        var index = 0
        while index + 8 <= count {
            let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
            let below20 = (word &- ones &* 0x20) & ~word & highs
            let delete = word ^ (ones &* 0x7F)
            let is7F = (delete &- ones) & ~delete & highs
            if below20 | is7F != 0, !bytewise(index, index + 8) { return false }
            index += 8
        }
        return bytewise(index, count)
    }

    /// Whether every byte has the class `bit`.
    static func all(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, are bit: UInt8, in classes: UnsafePointer<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if classes[Int(bytes[index])] & bit == 0 { return false }
            index += 1
        }
        return true
    }
}

/// Splits bytes into lines ending in CRLF (a lone LF is accepted too).
private struct LineIterator: IteratorProtocol {
    let bytes: UnsafeBufferPointer<UInt8>
    /// Where the next line starts.
    private(set) var position = 0

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
