import Glibc

/// The request line and header fields of a request, before its body.
struct RequestHead: Equatable {
    var method: HTTPMethod
    var target: String
    /// Where the `?` before the query is in the target's bytes, if it has one.
    var queryOffset: Int? = nil
    var version: HTTPRequest.Version
    var headers: RequestHeaders

    /// Why a head could not be parsed: answered with `status` and the connection closed.
    struct Failure: Error, Equatable {
        var status: Int
        var reason: String
    }

    /// Parses the bytes up to, not including, the blank line that ends the head.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) -> RequestHead {
        guard let (head, _) = try parse(prefixOf: bytes, isWhole: true) else { throw Failure(status: 400, reason: "missing request line") }
        return head
    }

    /// Parses the head at the start of `bytes` in one pass, through the blank line that ends it:
    /// the head and how many bytes it took, or nil when `bytes` end first. With `isWhole`, the
    /// end of `bytes` ends the head.
    static func parse(prefixOf bytes: UnsafeBufferPointer<UInt8>, isWhole: Bool = false) throws(Failure) -> (RequestHead, Int)? {
        guard !bytes.isEmpty else { return nil }
        // Room on the stack for the fields most heads have; a head with more is parsed again with
        // room for as many fields as its bytes have lines.
        let (parsed, outOfRoom) = try parse(bytes, isWhole: isWhole, room: min(bytes.count / 3 + 1, 64))
        guard outOfRoom else { return parsed }
        var lines = 1
        for byte in bytes where byte == 0x0A { lines += 1 }
        return try parse(bytes, isWhole: isWhole, room: lines).head
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, isWhole: Bool, room: Int) throws(Failure) -> (
        head: (RequestHead, Int)?, outOfRoom: Bool
    ) {
        try withUnsafeTemporaryAllocation(of: RequestHeaders.Span.self, capacity: room) {
            (spans) throws(Failure) -> ((RequestHead, Int)?, Bool) in
            try ByteClasses.table.withUnsafeBufferPointer { (classes) throws(Failure) -> ((RequestHead, Int)?, Bool) in
                var parser = HeadParser(bytes: bytes, isWhole: isWhole, classes: classes.baseAddress!, spans: spans)
                let head = try parser.parse()
                return (head, parser.outOfRoom)
            }
        }
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

/// What the bytes of a head may be: token characters (RFC 9110: letters, digits and
/// `!#$%&'*+-.^_`|~`) by table, request-target and header-value bytes by the word-at-a-time
/// scans below.
enum ByteClasses {
    static let token: UInt8 = 1

    static let table: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return token
        default: return "!#$%&'*+-.^_`|~".utf8.contains(UInt8(byte)) ? token : 0
        }
    }

    /// "HTTP/1.1" and "HTTP/1.0" as little-endian words.
    static let http11 = UInt64(littleEndian: 0x312E_312F_5054_5448)
    static let http10 = UInt64(littleEndian: 0x302E_312F_5054_5448)

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Where the first byte from `start` on that may not be in a header value is (a control
    /// byte other than tab, or DEL), or `end`: eight bytes at a time, a tab looked at alone.
    @inline(__always)
    static func firstOutsideValue(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var index = start
        while index &+ 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let below20 = (word &- ones &* 0x20) & ~word & highs
            let delete = word ^ (ones &* 0x7F)
            let is7F = (delete &- ones) & ~delete & highs
            let found = below20 | is7F
            if found != 0 {
                // The lowest flagged byte is exact (a borrow only flags bytes above it).
                let at = index &+ found.trailingZeroBitCount &>> 3
                if base[at] != 0x09 { return at }
                index = at &+ 1
                continue
            }
            index &+= 8
        }
        while index < end {
            let byte = base[index]
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F { return index }
            index &+= 1
        }
        return end
    }

    /// Where the first byte from `start` on that is not a token character is (a header name's
    /// colon, usually), or `end`. Letters, digits and hyphens, which names are made of, pass
    /// eight at a time; a word with anything else is looked at byte by byte.
    static func firstOutsideToken(_ base: UnsafePointer<UInt8>, from start: Int, end: Int, classes: UnsafePointer<UInt8>) -> Int {
        /// High bit set in each byte (under 0x80) that lies in `low...high`.
        func within(_ word: UInt64, _ low: UInt8, _ high: UInt8) -> UInt64 {
            ((word | highs) &- ones &* UInt64(low)) & ((ones &* UInt64(high | 0x80)) &- word)
        }
        func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
            let x = word ^ (ones &* UInt64(byte))
            return ~(((x & ~highs) &+ ~highs) | x) & highs
        }
        var index = start
        while index &+ 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            let fast = (within(word | (ones &* 0x20), 0x61, 0x7A) | within(word, 0x30, 0x39) | equal(word, 0x2D)) & ~word & highs
            if fast != highs {
                // The first byte that is not a letter, digit or hyphen: the end, or a rarer token byte.
                let at = index &+ (~fast & highs).trailingZeroBitCount &>> 3
                if classes[Int(base[at])] & token == 0 { return at }
                index = at &+ 1
                continue
            }
            index &+= 8
        }
        while index < end, classes[Int(base[index])] & token != 0 { index &+= 1 }
        return index
    }

    /// Where the first byte from `start` on that may not be in a request target is (not
    /// visible ASCII: the space after it, usually), or `end`; eight bytes at a time.
    static func firstOutsideTarget(_ base: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var index = start
        while index &+ 8 <= end {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            // Bytes under 0x21, and bytes of 0x7F and over (0x7F + 1 sets the high bit).
            let found = ((word &- ones &* 0x21) & ~word | word | (word &+ ones)) & highs
            if found != 0 {
                var at = index
                while at < index &+ 8, base[at] > 0x20, base[at] < 0x7F { at &+= 1 }
                return at
            }
            index &+= 8
        }
        while index < end, base[index] > 0x20, base[index] < 0x7F { index &+= 1 }
        return index
    }
}

/// One pass over a head's bytes: the request line, then each field's name and value found and
/// checked as the bytes go by (a value's bytes eight at a time), its span written to `spans`.
private struct HeadParser {
    let base: UnsafePointer<UInt8>
    let end: Int
    let isWhole: Bool
    let classes: UnsafePointer<UInt8>
    let spans: UnsafeMutableBufferPointer<RequestHeaders.Span>
    var position = 0
    /// Set when the head has more fields than `spans` has room for (the parse then stops).
    private(set) var outOfRoom = false

    init(
        bytes: UnsafeBufferPointer<UInt8>, isWhole: Bool, classes: UnsafePointer<UInt8>,
        spans: UnsafeMutableBufferPointer<RequestHeaders.Span>
    ) {
        base = bytes.baseAddress!
        end = bytes.count
        self.isWhole = isWhole
        self.classes = classes
        self.spans = spans
    }

    mutating func parse() throws(RequestHead.Failure) -> (RequestHead, Int)? {
        do throws(Either) { return try parseHead() } catch {
            switch error {
            case .incomplete: return nil
            case .failure(let failure): throw failure
            }
        }
    }

    private enum Either: Error {
        case incomplete
        case failure(RequestHead.Failure)
    }

    private func fail(_ status: Int, _ reason: String) -> Either { .failure(RequestHead.Failure(status: status, reason: reason)) }

    /// The end of the bytes where more must come: more is needed, or (a whole head) `failure`.
    private func ran(_ failure: Either) -> Either { isWhole ? failure : .incomplete }

    private mutating func parseHead() throws(Either) -> (RequestHead, Int) {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        while position < end, base[position] == 0x0D || base[position] == 0x0A { position &+= 1 }
        guard position < end else { throw ran(fail(400, "missing request line")) }

        // METHOD SP TARGET SP VERSION, single spaces.
        let methodStart = position
        while position < end, classes[Int(base[position])] & ByteClasses.token != 0 { position &+= 1 }
        guard position < end else { throw ran(fail(400, "malformed request line")) }
        guard base[position] == UInt8(ascii: " "), position > methodStart else {
            let byte = base[position]
            throw fail(400, byte == 0x0D || byte == 0x0A || position == methodStart ? "malformed request line" : "malformed method")
        }
        let method = HTTPMethod(UnsafeBufferPointer(start: base + methodStart, count: position - methodStart))
        position &+= 1
        let targetStart = position
        position = ByteClasses.firstOutsideTarget(base, from: position, end: end)
        guard position < end else { throw ran(fail(400, "malformed request line")) }
        guard base[position] == UInt8(ascii: " "), position > targetStart else {
            let byte = base[position]
            throw fail(400, byte == 0x0D || byte == 0x0A || byte == 0x20 ? "malformed request line" : "malformed request target")
        }
        let target = String(decoding: UnsafeBufferPointer(start: base + targetStart, count: position - targetStart), as: UTF8.self)
        let queryOffset = memchr(base + targetStart, Int32(UInt8(ascii: "?")), position - targetStart).map {
            UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - (base + targetStart)
        }
        position &+= 1
        let version = try readVersion()

        var slots = SIMD16<UInt8>()
        var count = 0
        var headEnd = position
        while true {
            guard position < end else {
                guard isWhole else { throw .incomplete }
                headEnd = end
                break
            }
            let first = base[position]
            if first == 0x0D || first == 0x0A {
                headEnd = position
                try endLine()
                break
            }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                throw fail(400, "obsolete header line folding is not accepted")
            }
            // The name: token bytes up to the colon.
            let nameStart = position
            position = ByteClasses.firstOutsideToken(base, from: position, end: end, classes: classes)
            guard position < end else { throw ran(fail(400, "malformed header field")) }
            guard position > nameStart, base[position] == UInt8(ascii: ":") else { throw fail(400, "malformed header field") }
            let nameEnd = position
            position &+= 1
            while position < end, base[position] == 0x20 || base[position] == 0x09 { position &+= 1 }
            let valueStart = position
            position = ByteClasses.firstOutsideValue(base, from: position, end: end)
            var valueEnd = position
            if position < end {
                let byte = base[position]
                guard byte == 0x0D || byte == 0x0A else { throw fail(400, "control character in header value") }
                try endLine()
            } else if !isWhole {
                throw .incomplete
            }
            while valueEnd > valueStart, base[valueEnd &- 1] == 0x20 || base[valueEnd &- 1] == 0x09 { valueEnd &-= 1 }
            guard count < spans.count else {
                outOfRoom = true
                throw .incomplete
            }
            // Positions fit: a head is at most `maxHeadBytes` long, far under 4 GiB.
            spans[count] = RequestHeaders.Span(
                nameStart: UInt32(truncatingIfNeeded: nameStart), nameEnd: UInt32(truncatingIfNeeded: nameEnd),
                valueStart: UInt32(truncatingIfNeeded: valueStart), valueEnd: UInt32(truncatingIfNeeded: valueEnd))
            count &+= 1
            if count < 255, RequestHeaders.Known.mayBe(length: nameEnd &- nameStart, initial: base[nameStart]),
                let known = RequestHeaders.Known.named(UnsafeBufferPointer(start: base + nameStart, count: nameEnd &- nameStart)),
                slots[known.rawValue] == 0
            {
                slots[known.rawValue] = UInt8(count)
            }
        }
        let headers = RequestHeaders(
            bytes: UnsafeBufferPointer(start: base, count: headEnd), spans: UnsafeBufferPointer(rebasing: spans[..<count]), slots: slots)
        return (RequestHead(method: method, target: target, queryOffset: queryOffset, version: version, headers: headers), position)
    }

    /// Steps over the line end at `position` (CRLF, or a lone LF).
    @inline(__always)
    private mutating func endLine() throws(Either) {
        if base[position] == 0x0D {
            guard position &+ 1 < end else {
                guard isWhole else { throw .incomplete }
                throw fail(400, "control character in header value")
            }
            guard base[position &+ 1] == 0x0A else { throw fail(400, "control character in header value") }
            position &+= 2
        } else {
            position &+= 1
        }
    }

    /// "HTTP/1.1" or "HTTP/1.0" and the line end; other versions are refused.
    private mutating func readVersion() throws(Either) -> HTTPRequest.Version {
        // Read as one word: "HTTP/1.1" is the version nearly every request has.
        if position + 8 < end || (isWhole && position + 8 == end) {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            let after = position + 8 < end ? base[position + 8] : 0x0A
            if after == 0x0D || after == 0x0A, word == ByteClasses.http11 || word == ByteClasses.http10 {
                position &+= 8
                if position < end { try endLine() }
                return word == ByteClasses.http11 ? .http11 : .http10
            }
        }
        var lineEnd = position
        while lineEnd < end, base[lineEnd] != 0x0D, base[lineEnd] != 0x0A { lineEnd += 1 }
        guard lineEnd < end || isWhole else { throw .incomplete }
        let text = String(decoding: UnsafeBufferPointer(start: base + position, count: lineEnd - position), as: UTF8.self)
        guard !text.contains(" ") else { throw fail(400, "malformed request line") }
        guard text.hasPrefix("HTTP/") else { throw fail(400, "malformed HTTP version") }
        throw fail(505, "HTTP version \(text.dropFirst(5)) is not supported")
    }
}
