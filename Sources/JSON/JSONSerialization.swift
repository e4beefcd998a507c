extension JSON {
    /// The compact serialization, appended to `buffer`.
    package func write(into buffer: inout [UInt8]) {
        switch self {
        case .null: buffer.append(contentsOf: "null".utf8)
        case .bool(let b): buffer.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): buffer.appendDecimal(i)
        case .double(let d):
            if d.isFinite {
                if d == d.rounded(), abs(d) < 1e15 {
                    buffer.appendDecimal(Int(d))
                } else {
                    buffer.append(contentsOf: d.description.utf8)
                }
            } else {
                buffer.append(contentsOf: "null".utf8)
            }
        case .string(let s): JSON.writeString(s, into: &buffer)
        case .array(let items):
            buffer.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                item.write(into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            buffer.append(UInt8(ascii: "{"))
            for (i, entry) in object.entries.enumerated() {
                if i > 0 { buffer.append(UInt8(ascii: ",")) }
                JSON.writeString(entry.key, into: &buffer)
                buffer.append(UInt8(ascii: ":"))
                entry.value.write(into: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
    }

    /// The compact serialization as bytes.
    package var bytes: [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512)
        write(into: &buffer)
        return buffer
    }

    /// The compact serialization as text.
    package var serialized: String { String(decoding: bytes, as: UTF8.self) }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The high bit of each byte of `word` that a JSON string cannot hold as it is: a control
    /// byte (under 0x20), a quote or a backslash. The lowest flagged byte is exact (a borrow
    /// only flags bytes above it); those above it may be flagged falsely.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22), backslash = word ^ (ones &* 0x5C)
        return ((word &- ones &* 0x20) & ~word | (quote &- ones) & ~quote | (backslash &- ones) & ~backslash) & highs
    }

    /// Whether any byte is a control character, a quote or a backslash: eight bytes at a time.
    package static func needsEscaping(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = utf8.baseAddress else { return false }
        var index = 0
        while index + 8 <= utf8.count {
            if specialBytes(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) != 0 { return true }
            index += 8
        }
        // The last bytes as the word that ends the string (overlapping bytes already seen).
        if index < utf8.count, utf8.count >= 8 {
            return specialBytes(UnsafeRawPointer(base + utf8.count - 8).loadUnaligned(as: UInt64.self)) != 0
        }
        while index < utf8.count {
            let byte = base[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            index += 1
        }
        return false
    }

    /// Whether `string` must be escaped to be written in quotes.
    package static func needsEscaping(_ string: String) -> Bool {
        var string = string
        return string.withUTF8 { needsEscaping($0) }
    }

    package static func writeString(_ string: String, into buffer: inout [UInt8]) { quote(string, into: &buffer) }

    static func writeString(_ string: String, into buffer: inout ByteBuffer) { quote(string, into: &buffer) }

    /// A string given as its UTF-8 bytes.
    static func writeString(utf8: UnsafeBufferPointer<UInt8>, into buffer: inout ByteBuffer) { quote(utf8: utf8, into: &buffer) }

    /// The string quoted and escaped, into either kind of byte sink.
    private static func quote<Sink: ByteSink & ~Copyable>(_ string: String, into buffer: inout Sink) {
        var string = string
        string.withUTF8 { quote(utf8: $0, into: &buffer) }
    }

    private static func quote<Sink: ByteSink & ~Copyable>(utf8: UnsafeBufferPointer<UInt8>, into buffer: inout Sink) {
        buffer.append(UInt8(ascii: "\""))
        // Most strings need no escaping: copy them whole.
        if !needsEscaping(utf8) {
            buffer.append(utf8)
        } else {
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): buffer.append(escape: UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): buffer.append(escape: UInt8(ascii: "\\"))
                case 0x0A: buffer.append(escape: UInt8(ascii: "n"))
                case 0x0D: buffer.append(escape: UInt8(ascii: "r"))
                case 0x09: buffer.append(escape: UInt8(ascii: "t"))
                case 0..<0x20:
                    buffer.append(escape: UInt8(ascii: "u"))
                    buffer.append(UInt8(ascii: "0"))
                    buffer.append(UInt8(ascii: "0"))
                    buffer.append(hexDigits[Int(byte >> 4)])
                    buffer.append(hexDigits[Int(byte & 0xF)])
                default: buffer.append(byte)
                }
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }
}

/// Where serialized bytes go: an array (the tree writer) or a `ByteBuffer` (the direct writer).
protocol ByteSink: ~Copyable {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteSink where Self: ~Copyable {
    /// A backslash and `letter`.
    mutating func append(escape letter: UInt8) {
        append(UInt8(ascii: "\\"))
        append(letter)
    }
}

extension [UInt8]: ByteSink {
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) { append(contentsOf: bytes) }
}

extension ByteBuffer: ByteSink {}

extension [UInt8] {
    /// Appends the bytes of `text`.
    package mutating func append(_ text: StaticString) {
        append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends the decimal digits of `value` (`String(value)` goes through a generic description).
    package mutating func appendDecimal(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }
}
