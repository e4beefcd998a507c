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

        /// Whether a name of this length and first byte can be one of these: a test of two bits,
        /// which most of the fields a client sends fail before `named` is called. (The test of
        /// known names checks that each of them passes.)
        @inline(__always)
        static func mayBe(length: Int, initial: UInt8) -> Bool {
            // The lengths of the names above (4, 5, 6, 10, 12, 13, 14, 17, 18) and their initials.
            let lengths: UInt32 = 1 << 4 | 1 << 5 | 1 << 6 | 1 << 10 | 1 << 12 | 1 << 13 | 1 << 14 | 1 << 17 | 1 << 18
            let letter = (initial | 0x20) &- 0x61
            let initials: UInt32 = 1 << 0 | 1 << 2 | 1 << 4 | 1 << 7 | 1 << 17 | 1 << 19 | 1 << 23  // a c e h r t x
            return length < 32 && lengths >> UInt32(length) & 1 != 0 && letter < 26 && initials >> UInt32(letter) & 1 != 0
        }

        /// The field a name is, if it is one of these: picked by length (a jump), then first and
        /// last letter, then compared without case (no table, no allocation).
        @inline(__always)
        static func named(_ name: UnsafeBufferPointer<UInt8>) -> Known? {
            guard name.count >= 4, name.count <= 18 else { return nil }
            let first = name[0] | 0x20, last = name[name.count - 1] | 0x20
            guard mayBe(length: name.count, initial: first) else { return nil }
            func check(_ known: Known, _ lowered: StaticString) -> Known? { isName(name, lowered) ? known : nil }
            switch name.count {
            case 4: return first == UInt8(ascii: "h") ? check(.host, "host") : nil
            case 5: return first == UInt8(ascii: "r") ? check(.range, "range") : nil
            case 6:
                if first == UInt8(ascii: "e") { return check(.expect, "expect") }
                return first == UInt8(ascii: "c") ? check(.cookie, "cookie") : nil
            case 10: return first == UInt8(ascii: "c") ? check(.connection, "connection") : nil
            case 12: return first == UInt8(ascii: "c") ? check(.contentType, "content-type") : nil
            case 13:
                if first == UInt8(ascii: "a") { return check(.authorization, "authorization") }
                return first == UInt8(ascii: "x") ? check(.adminToken, "x-admin-token") : nil
            case 14: return first == UInt8(ascii: "c") ? check(.contentLength, "content-length") : nil
            case 17:
                switch (first, last) {
                case (UInt8(ascii: "t"), UInt8(ascii: "g")): return check(.transferEncoding, "transfer-encoding")
                case (UInt8(ascii: "x"), UInt8(ascii: "y")): return check(.videoMockDelay, "x-videomock-delay")
                case (UInt8(ascii: "x"), UInt8(ascii: "t")): return check(.videoMockFault, "x-videomock-fault")
                default: return nil
                }
            case 18: return first == UInt8(ascii: "x") && last == UInt8(ascii: "s") ? check(.videoMockStatus, "x-videomock-status") : nil
            default: return nil
            }
        }
    }

    /// Where a field's name and value lie in the head's bytes.
    struct Span: Sendable {
        var nameStart: UInt32, nameEnd: UInt32, valueStart: UInt32, valueEnd: UInt32
    }

    /// The head's bytes, then each field's span, then the known fields' slots: one allocation
    /// for a request's fields, made once they are all found. (Two words in all, so that a value
    /// kept as `any HeaderFields`, as the journal keeps it, needs no box of its own.)
    private let storage: [UInt8]
    /// Where the spans start in `storage` (the length of the head's bytes), and how many.
    private let spansStart: UInt32
    private let fieldCount: UInt32

    package var count: Int { Int(fieldCount) }

    package init() {
        storage = []
        spansStart = 0
        fieldCount = 0
    }

    /// The fields at `spans` of `bytes`, in arrival order; `slots` (for each known field, the
    /// index of its first span plus one, 0: absent) as the parse found them.
    init(bytes: UnsafeBufferPointer<UInt8>, spans: UnsafeBufferPointer<Span>, slots: SIMD16<UInt8>) {
        let spanBytes = UnsafeRawBufferPointer(spans)
        // Reserved, then appended: `Array(unsafeUninitializedCapacity:)` looks its storage type up
        // at run time, hundreds of instructions a call.
        var storage: [UInt8] = []
        storage.reserveCapacity(bytes.count + spanBytes.count + MemoryLayout<SIMD16<UInt8>>.size)
        storage.append(contentsOf: bytes)
        storage.append(
            contentsOf: UnsafeBufferPointer(start: spanBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: spanBytes.count))
        withUnsafeBytes(of: slots) { storage.append(contentsOf: $0) }
        self.storage = storage
        // A head is at most `maxHeadBytes` long, far under 4 GiB.
        spansStart = UInt32(truncatingIfNeeded: bytes.count)
        fieldCount = UInt32(truncatingIfNeeded: spans.count)
    }

    /// The index of the first span of a known field, plus one (0: absent).
    private func slot(_ known: Known) -> Int {
        guard !storage.isEmpty else { return 0 }
        return Int(storage[Int(spansStart) &+ count &* MemoryLayout<Span>.stride &+ known.rawValue])
    }

    /// The `index`th field's span.
    private func span(_ index: Int) -> Span {
        storage.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: Int(spansStart) + index * MemoryLayout<Span>.stride, as: Span.self) }
    }

    /// Every field's span, in arrival order (read in place, one at a time).
    private var spans: LazyMapSequence<Range<Int>, Span> { (0..<count).lazy.map(span) }

    /// The known field a name at `range` of the bytes is, read in place (no slice of the array).
    private func knownField(_ range: Range<Int>) -> Known? {
        storage.withUnsafeBufferPointer { Known.named(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The value of a field the server reads, if sent (the first, when sent twice).
    package subscript(known: Known) -> String? {
        let index = slot(known)
        guard index > 0 else { return nil }
        return value(span(index - 1))
    }

    /// Whether a field the server reads was sent, the first time, as `lowered` (in any case),
    /// compared in place.
    package func value(_ known: Known, is lowered: StaticString) -> Bool {
        let index = slot(known)
        guard index > 0 else { return false }
        let span = span(index - 1)
        return storage.withUnsafeBufferPointer {
            equalsLowered(UnsafeBufferPointer(rebasing: $0[Int(span.valueStart)..<Int(span.valueEnd)]), lowered)
        }
    }

    /// The token of `Authorization: Bearer TOKEN` (the scheme in any case), read from the bytes.
    package var bearerToken: String? {
        let index = slot(.authorization)
        guard index > 0 else { return nil }
        let span = span(index - 1)
        let bytes = storage
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
        for span in spans where equalsLowered(storage[Int(span.nameStart)..<Int(span.nameEnd)], lowered) { return value(span) }
        return nil
    }

    /// Whether every value sent of a known field is the same bytes as the first.
    package func valuesAgree(_ known: Known) -> Bool {
        let first = slot(known)
        guard first > 0 else { return true }
        let value = span(first - 1)
        let expected = storage[Int(value.valueStart)..<Int(value.valueEnd)]
        let length = value.nameEnd - value.nameStart
        for span in (first..<count).lazy.map(span)
        where span.nameEnd - span.nameStart == length && knownField(Int(span.nameStart)..<Int(span.nameEnd)) == known {
            guard storage[Int(span.valueStart)..<Int(span.valueEnd)].elementsEqual(expected) else { return false }
        }
        return true
    }

    /// Every value of the field `name`, in arrival order.
    package func values(of name: String) -> [String] {
        let lowered = Array(name.lowercased().utf8)
        return spans.filter { equalsLowered(storage[Int($0.nameStart)..<Int($0.nameEnd)], lowered) }.map(value)
    }

    package func contains(_ name: String) -> Bool { self[name] != nil }

    /// Every field as strings, for what keeps them.
    package var fields: [(name: String, value: String)] {
        spans.map { (name: String(decoding: storage[Int($0.nameStart)..<Int($0.nameEnd)], as: UTF8.self), value: value($0)) }
    }

    private func value(_ span: Span) -> String {
        String(decoding: storage[Int(span.valueStart)..<Int(span.valueEnd)], as: UTF8.self)
    }
}

extension RequestHeaders: ExpressibleByDictionaryLiteral, Equatable {
    /// Fields given as strings (tests, and requests made without a socket).
    package init(dictionaryLiteral elements: (String, String)...) {
        var bytes: [UInt8] = []
        var spans: [Span] = []
        var slots = SIMD16<UInt8>()
        for (name, value) in elements {
            let nameStart = bytes.count
            bytes += name.utf8
            let valueStart = bytes.count
            bytes += value.utf8
            spans.append(
                Span(
                    nameStart: UInt32(nameStart), nameEnd: UInt32(valueStart), valueStart: UInt32(valueStart), valueEnd: UInt32(bytes.count)
                ))
            if let known = bytes.withUnsafeBufferPointer({ Known.named(UnsafeBufferPointer(rebasing: $0[nameStart..<valueStart])) }),
                slots[known.rawValue] == 0, spans.count < 255
            {
                slots[known.rawValue] = UInt8(spans.count)
            }
        }
        self = bytes.withUnsafeBufferPointer { bytes in
            spans.withUnsafeBufferPointer { RequestHeaders(bytes: bytes, spans: $0, slots: slots) }
        }
    }

    package static func == (lhs: RequestHeaders, rhs: RequestHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// Whether a field name (token bytes, four at least) is `lowered` (a lower-case name of as many
/// bytes), compared eight or four bytes at a time: setting 0x20 in each byte lowers letters and
/// changes no other token byte into a letter or a hyphen, so the comparison is exact for tokens.
private func isName(_ name: UnsafeBufferPointer<UInt8>, _ lowered: StaticString) -> Bool {
    let count = name.count
    let given = UnsafeRawPointer(name.baseAddress!), expected = UnsafeRawPointer(lowered.utf8Start)
    func word(_ offset: Int) -> Bool {
        given.loadUnaligned(fromByteOffset: offset, as: UInt64.self) | 0x2020_2020_2020_2020
            == expected.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    }
    guard count >= 8 else {
        let low = given.loadUnaligned(as: UInt32.self) | 0x2020_2020,
            high = given.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self) | 0x2020_2020
        return low == expected.loadUnaligned(as: UInt32.self) && high == expected.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)
    }
    var offset = 0
    while offset + 8 < count {
        guard word(offset) else { return false }
        offset += 8
    }
    return word(count - 8)
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
