/// Bytes appended in small runs at the cost of a copy each, not of an array's growth checks:
/// what replies are written into before they become one array.
package struct ByteBuffer: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<UInt8>
    @usableFromInline package internal(set) var count = 0
    @usableFromInline var capacity: Int

    package init(capacity: Int = 512) {
        self.capacity = max(16, capacity)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    @inlinable @inline(__always) mutating func reserve(_ extra: Int) {
        // Counts stay far below the largest Int: wrapping arithmetic spares an overflow check.
        guard count &+ extra > capacity else { return }
        grow(extra)
    }

    @usableFromInline mutating func grow(_ extra: Int) {
        let grown = max(capacity * 2, count + extra)
        let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        bigger.update(from: base, count: count)
        base.deallocate()
        base = bigger
        capacity = grown
    }

    /// Empties the buffer, keeping its room.
    @inlinable
    package mutating func removeAll() { count = 0 }

    @inlinable
    package mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count &+= 1
    }

    @inlinable
    package mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        ByteBuffer.copy(source, to: base + count, count: bytes.count)
        count &+= bytes.count
    }

    /// A copy that, for the short runs replies are made of (keys, words, ids), is two
    /// overlapping word moves rather than a call to `memcpy`.
    @inlinable @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, to target: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(target)
        if count >= 8, count <= 16 {
            to.storeBytes(of: from.loadUnaligned(as: UInt64.self), as: UInt64.self)
            (to + (count &- 8)).storeBytes(of: (from + (count &- 8)).loadUnaligned(as: UInt64.self), as: UInt64.self)
        } else if count >= 4, count < 8 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            (to + (count &- 4)).storeBytes(of: (from + (count &- 4)).loadUnaligned(as: UInt32.self), as: UInt32.self)
        } else if count < 4 {
            for index in 0..<count { target[index] = source[index] }
        } else {
            target.update(from: source, count: count)
        }
    }

    @inlinable
    package mutating func append(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// The UTF-8 of `text`, copied whole from its storage where it has one.
    @inlinable
    package mutating func append(utf8 text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    @inlinable
    package mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    /// `value` in decimal, written in place from its last digit, two digits at a time.
    @inlinable
    package mutating func appendDecimal(_ value: Int) {
        reserve(20)
        if value < 0 {
            base[count] = UInt8(ascii: "-")
            count += 1
        }
        var magnitude = value.magnitude
        count &+= ByteBuffer.digitCount(magnitude)
        var end = count
        let pairs = ByteBuffer.digitPairs.utf8Start
        while magnitude >= 100 {
            let quotient = magnitude / 100
            let remainder = Int(truncatingIfNeeded: magnitude &- quotient &* 100)
            end &-= 2
            base[end] = pairs[remainder &* 2]
            base[end &+ 1] = pairs[remainder &* 2 &+ 1]
            magnitude = quotient
        }
        if magnitude >= 10 {
            base[end - 2] = pairs[Int(magnitude) * 2]
            base[end - 1] = pairs[Int(magnitude) * 2 + 1]
        } else {
            base[end - 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude)
        }
    }

    /// How many decimal digits `value` has: a few comparisons for the numbers replies carry
    /// (counts, percentages, Unix times), a loop beyond ten digits.
    @inlinable @inline(__always)
    static func digitCount(_ value: UInt) -> Int {
        if value < 100_000 {
            if value < 100 { return value < 10 ? 1 : 2 }
            return value < 1_000 ? 3 : value < 10_000 ? 4 : 5
        }
        if value < 10_000_000_000 {
            if value < 10_000_000 { return value < 1_000_000 ? 6 : 7 }
            return value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10
        }
        var digits = 11, power: UInt = 100_000_000_000
        while digits < 20, value >= power {
            digits += 1
            power &*= 10
        }
        return digits  // 20 at most: past the largest power of ten a word holds
    }

    /// "00" to "99", each two bytes.
    @usableFromInline static let digitPairs: StaticString = """
        00010203040506070809101112131415161718192021222324252627282930313233343536373839\
        40414243444546474849505152535455565758596061626364656667686970717273747576777879\
        8081828384858687888990919293949596979899
        """

    /// `"key":`, after a comma when `comma`; reserved once.
    @inlinable @inline(__always)
    package mutating func appendKey(_ key: StaticString, comma: Bool = false) {
        let length = key.utf8CodeUnitCount
        reserve(length &+ 4)
        var at = count
        if comma {
            base[at] = UInt8(ascii: ",")
            at &+= 1
        }
        base[at] = UInt8(ascii: "\"")
        ByteBuffer.copy(key.utf8Start, to: base + (at &+ 1), count: length)
        base[at &+ 1 &+ length] = UInt8(ascii: "\"")
        base[at &+ 2 &+ length] = UInt8(ascii: ":")
        count = at &+ length &+ 3
    }

    /// The bytes so far, as an array (one copy; `Array(_:)` rather than
    /// `Array(unsafeUninitializedCapacity:)`, which looks its storage type up at run time).
    package var array: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    package func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try body(UnsafeBufferPointer(start: base, count: count))
    }
}
