import Glibc

/// A request's header fields as they arrived: the head's bytes, kept once, and where each name
/// and value lies in them. Strings are made only where they are kept (the journal, header
/// conditions of rules, the admin API); the fields the server itself reads are found while the
/// head is parsed, so reading one is an index, not a scan.
package struct RequestHeaders: Sendable {
    /// The fields the server reads.
    package enum Known: Int, CaseIterable, Sendable {
        case host, authorization, contentType, contentLength, transferEncoding, connection, expect, range, cookie
        case adminToken, videoMockStatus, videoMockDelay, videoMockFault

        package var name: String {
            switch self {
            case .host: "Host"
            case .authorization: "Authorization"
            case .contentType: "Content-Type"
            case .contentLength: "Content-Length"
            case .transferEncoding: "Transfer-Encoding"
            case .connection: "Connection"
            case .expect: "Expect"
            case .range: "Range"
            case .cookie: "Cookie"
            case .adminToken: "X-Admin-Token"
            case .videoMockStatus: "X-VideoMock-Status"
            case .videoMockDelay: "X-VideoMock-Delay"
            case .videoMockFault: "X-VideoMock-Fault"
            }
        }

        /// The field a name is, if it is one of these: picked by length and first letter, then
        /// compared without case (no table, no allocation).
        static func named(_ name: UnsafeBufferPointer<UInt8>) -> Known? {
            guard let first = name.first, let last = name.last else { return nil }
            func check(_ known: Known, _ lowered: StaticString) -> Known? { equalsLowered(name, lowered) ? known : nil }
            switch (name.count, first | 0x20, last | 0x20) {
            case (4, UInt8(ascii: "h"), UInt8(ascii: "t")): return check(.host, "host")
            case (13, UInt8(ascii: "a"), UInt8(ascii: "n")): return check(.authorization, "authorization")
            case (12, UInt8(ascii: "c"), UInt8(ascii: "e")): return check(.contentType, "content-type")
            case (14, UInt8(ascii: "c"), UInt8(ascii: "h")): return check(.contentLength, "content-length")
            case (17, UInt8(ascii: "t"), UInt8(ascii: "g")): return check(.transferEncoding, "transfer-encoding")
            case (10, UInt8(ascii: "c"), UInt8(ascii: "n")): return check(.connection, "connection")
            case (6, UInt8(ascii: "e"), UInt8(ascii: "t")): return check(.expect, "expect")
            case (5, UInt8(ascii: "r"), UInt8(ascii: "e")): return check(.range, "range")
            case (6, UInt8(ascii: "c"), UInt8(ascii: "e")): return check(.cookie, "cookie")
            case (13, UInt8(ascii: "x"), UInt8(ascii: "n")): return check(.adminToken, "x-admin-token")
            case (18, UInt8(ascii: "x"), UInt8(ascii: "s")): return check(.videoMockStatus, "x-videomock-status")
            case (17, UInt8(ascii: "x"), UInt8(ascii: "y")): return check(.videoMockDelay, "x-videomock-delay")
            case (17, UInt8(ascii: "x"), UInt8(ascii: "t")): return check(.videoMockFault, "x-videomock-fault")
            default: return nil
            }
        }
    }

    private struct Span: Sendable {
        var nameStart: Int32, nameEnd: Int32, valueStart: Int32, valueEnd: Int32
    }

    /// The bytes the spans point into.
    private let bytes: [UInt8]
    private var spans: [Span] = []
    /// For each known field, the index of its first span plus one (0: absent).
    private var slots = SIMD16<UInt8>()

    package init() { bytes = [] }

    /// The fields of `bytes` at the given (name, value) ranges, in arrival order.
    init(bytes: [UInt8]) {
        self.bytes = bytes
        spans.reserveCapacity(16)
    }

    /// A copy of the head's bytes, made with one `memcpy` (`Array(_:)`, whose storage type is known
    /// where it is compiled), and room for exactly as many fields as it has lines (the journal
    /// keeps these, so no spare capacity).
    init(copying head: UnsafeBufferPointer<UInt8>) {
        bytes = Array(head)
        var lines = 0
        if var position = head.baseAddress, head.count > 0 {
            let end = position + head.count
            while let newline = memchr(position, 0x0A, end - position) {
                lines += 1
                position = UnsafePointer(newline.assumingMemoryBound(to: UInt8.self)) + 1
            }
        }
        spans.reserveCapacity(lines)
    }

    /// Adds the field whose name and value are at these ranges of the bytes; `known` is the
    /// field its name is, when the caller has told already.
    mutating func append(name: Range<Int>, value: Range<Int>, known: Known?? = .none) {
        spans.append(
            Span(
                nameStart: Int32(name.lowerBound), nameEnd: Int32(name.upperBound), valueStart: Int32(value.lowerBound),
                valueEnd: Int32(value.upperBound)))
        guard spans.count < 255, let known = known ?? knownField(name), slots[known.rawValue] == 0 else { return }
        slots[known.rawValue] = UInt8(spans.count)
    }

    package var count: Int { spans.count }

    /// The known field a name at `range` of the bytes is, read in place (no slice of the array).
    private func knownField(_ range: Range<Int>) -> Known? {
        bytes.withUnsafeBufferPointer { Known.named(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The value of a field the server reads, if sent (the first, when sent twice).
    package subscript(known: Known) -> String? {
        let index = Int(slots[known.rawValue])
        guard index > 0 else { return nil }
        return value(spans[index - 1])
    }

    /// The token of `Authorization: Bearer TOKEN` (the scheme in any case), read from the bytes.
    package var bearerToken: String? {
        let index = Int(slots[Known.authorization.rawValue])
        guard index > 0 else { return nil }
        let span = spans[index - 1]
        // The value's ends were trimmed of spaces and tabs when the head was parsed.
        let scheme = Int(span.valueStart), end = Int(span.valueEnd)
        guard end - scheme > 7, bytes[scheme + 6] == UInt8(ascii: " "), equalsLowered(bytes[scheme..<scheme + 6], "bearer") else {
            return nil
        }
        var start = scheme + 7
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        return start < end ? String(decoding: bytes[start..<end], as: UTF8.self) : nil
    }

    /// The first value of the field `name` (compared without case), if sent.
    package subscript(name: String) -> String? {
        let lowered = Array(name.lowercased().utf8)
        for span in spans where equalsLowered(bytes[Int(span.nameStart)..<Int(span.nameEnd)], lowered) { return value(span) }
        return nil
    }

    /// Whether every value sent of a known field is the same bytes as the first.
    package func valuesAgree(_ known: Known) -> Bool {
        let first = Int(slots[known.rawValue])
        guard first > 0 else { return true }
        let value = spans[first - 1]
        let expected = bytes[Int(value.valueStart)..<Int(value.valueEnd)]
        let length = value.nameEnd - value.nameStart
        for span in spans[first...]
        where span.nameEnd - span.nameStart == length && knownField(Int(span.nameStart)..<Int(span.nameEnd)) == known {
            guard bytes[Int(span.valueStart)..<Int(span.valueEnd)].elementsEqual(expected) else { return false }
        }
        return true
    }

    /// Every value of the field `name`, in arrival order.
    package func values(of name: String) -> [String] {
        let lowered = Array(name.lowercased().utf8)
        return spans.filter { equalsLowered(bytes[Int($0.nameStart)..<Int($0.nameEnd)], lowered) }.map(value)
    }

    package func contains(_ name: String) -> Bool { self[name] != nil }

    /// Every field as strings, for what keeps them.
    package var fields: [(name: String, value: String)] {
        spans.map { (name: String(decoding: bytes[Int($0.nameStart)..<Int($0.nameEnd)], as: UTF8.self), value: value($0)) }
    }

    private func value(_ span: Span) -> String {
        String(decoding: bytes[Int(span.valueStart)..<Int(span.valueEnd)], as: UTF8.self)
    }
}

extension RequestHeaders: ExpressibleByDictionaryLiteral, Equatable {
    /// Fields given as strings (tests, and requests made without a socket).
    package init(dictionaryLiteral elements: (String, String)...) {
        var bytes: [UInt8] = []
        var ranges: [(Range<Int>, Range<Int>)] = []
        for (name, value) in elements {
            let nameStart = bytes.count
            bytes += name.utf8
            let valueStart = bytes.count
            bytes += value.utf8
            ranges.append((nameStart..<valueStart, valueStart..<bytes.count))
        }
        self.init(bytes: bytes)
        for (name, value) in ranges { append(name: name, value: value) }
    }

    package static func == (lhs: RequestHeaders, rhs: RequestHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Whether `bytes`, lower-cased, are `lowered` (a lower-case name).
private func equalsLowered(_ bytes: UnsafeBufferPointer<UInt8>, _ lowered: StaticString) -> Bool {
    guard bytes.count == lowered.utf8CodeUnitCount else { return false }
    let expected = lowered.utf8Start
    for index in 0..<bytes.count {
        let given = bytes[index], byte = expected[index]
        guard given == byte || (given >= 0x41 && given <= 0x5A && given | 0x20 == byte) else { return false }
    }
    return true
}

private func equalsLowered(_ bytes: ArraySlice<UInt8>, _ lowered: StaticString) -> Bool {
    equalsLowered(bytes, UnsafeBufferPointer(start: lowered.utf8Start, count: lowered.utf8CodeUnitCount))
}

private func equalsLowered(_ bytes: ArraySlice<UInt8>, _ lowered: [UInt8]) -> Bool {
    lowered.withUnsafeBufferPointer { equalsLowered(bytes, $0) }
}

private func equalsLowered(_ bytes: ArraySlice<UInt8>, _ lowered: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count == lowered.count else { return false }
    var index = bytes.startIndex
    for byte in lowered {
        let given = bytes[index]
        guard given == byte || (given >= 0x41 && given <= 0x5A && given | 0x20 == byte) else { return false }
        index += 1
    }
    return true
}
