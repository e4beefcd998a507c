/// The part of a task id that says where the task lives: its slot in the store and a random
/// check tag, scrambled into twelve lowercase letters and digits that read as random. Every id
/// ends its token with them (a Mixroute `cgt-` id, an Amux token, the `id` inside AIHubMix's
/// base64), so finding a task is reading them back, an index and a comparison of ids: no hashing,
/// no index to keep.
package struct SlotCode: Equatable, Sendable {
    package var slot: Int
    /// Tells a task from the one that held the slot before (slots are taken again after a reset).
    package var tag: UInt32

    package init(slot: Int, tag: UInt32) {
        self.slot = slot
        self.tag = tag & SlotCode.tagMask
    }

    /// Characters the code takes at the end of a token.
    package static let length = 12
    /// Slots fit in 32 bits and tags in 30: 62 bits, which twelve base-36 digits hold.
    static let tagMask: UInt32 = (1 << 30) - 1
    private static let mask: UInt64 = (1 << 62) - 1
    /// An odd multiplier and its inverse modulo 2^62, so the scramble can be undone.
    private static let multiplier: UInt64 = 0x2545_F491_4F6C_DD1D & mask
    private static let inverse: UInt64 = {
        var inverse: UInt64 = 1  // Newton's iteration: each step doubles the correct low bits.
        for _ in 0..<6 { inverse = inverse &* (2 &- multiplier &* inverse) }
        return inverse & mask
    }()
    private static let digits: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// A bijection of 62-bit values (a shift-xor of half the width undoes itself).
    private static func scramble(_ value: UInt64, by factor: UInt64) -> UInt64 {
        var value = value ^ (value >> 31)
        value = (value &* factor) & mask
        return value ^ (value >> 31)
    }

    /// The twelve characters, appended to `token`.
    package func append(to token: inout [UInt8]) {
        var value = SlotCode.scramble(UInt64(UInt32(truncatingIfNeeded: slot)) | UInt64(tag) << 32, by: SlotCode.multiplier)
        let start = token.count
        token.append(contentsOf: repeatElement(UInt8(ascii: "a"), count: SlotCode.length))
        token.withUnsafeMutableBufferPointer { bytes in
            SlotCode.digits.withUnsafeBufferPointer { digits in
                for index in (start..<start + SlotCode.length).reversed() {
                    bytes[index] = digits[Int(value % 36)]
                    value /= 36
                }
            }
        }
    }

    /// The code a token's last twelve characters carry, if they are one.
    package init?(token: UnsafeBufferPointer<UInt8>) {
        guard token.count >= SlotCode.length else { return nil }
        let plain: UInt64? = SlotCode.values.withUnsafeBufferPointer { values in
            var value: UInt64 = 0
            var index = token.count &- SlotCode.length
            while index < token.count {
                let digit = values[Int(token[index])] &>> 8
                guard digit < 36 else { return nil }
                value = value &* 36 &+ UInt64(digit)
                index &+= 1
            }
            return value <= SlotCode.mask ? SlotCode.scramble(value, by: SlotCode.inverse) : nil
        }
        guard let plain else { return nil }
        self.init(slot: Int(UInt32(truncatingIfNeeded: plain)), tag: UInt32(truncatingIfNeeded: plain >> 32))
    }

    /// For each byte, its base-36 digit (high byte, 0xFF: none) and its URL-safe base64 value
    /// (low byte, 0xFF: none): one look-up a character.
    private static let values: [UInt16] = (0...255).map { byte -> UInt16 in
        let base36: UInt16, base64: UInt16
        switch UInt8(byte) {
        case UInt8(ascii: "a")...UInt8(ascii: "z"): base36 = UInt16(byte) - 97
        case UInt8(ascii: "0")...UInt8(ascii: "9"): base36 = UInt16(byte) - 48 + 26
        default: base36 = 0xFF
        }
        switch UInt8(byte) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): base64 = UInt16(byte) - 65
        case UInt8(ascii: "a")...UInt8(ascii: "z"): base64 = UInt16(byte) - 71
        case UInt8(ascii: "0")...UInt8(ascii: "9"): base64 = UInt16(byte) + 4
        case UInt8(ascii: "-"): base64 = 62
        case UInt8(ascii: "_"): base64 = 63
        default: base64 = 0xFF
        }
        return base36 << 8 | base64
    }

    /// The code an id carries: at the end of the id, or, for an opaque id (URL-safe base64 of
    /// `{"model":...,"id":"TOKEN"}`), at the end of the token inside it.
    package init?(id: String) { self.init(id: id[...]) }

    /// The code of an id as a request names it (a slice of its target).
    package init?(id: Substring) {
        var id = id
        let code = id.withUTF8 { bytes -> SlotCode? in
            if bytes.count > 3, bytes[0] == UInt8(ascii: "e"), bytes[1] == UInt8(ascii: "y"), bytes[2] == UInt8(ascii: "J") {
                return SlotCode.inOpaque(bytes)
            }
            return SlotCode(token: bytes)
        }
        guard let code else { return nil }
        self = code
    }

    /// The token's code inside an opaque id, decoding only the base64 that holds its end
    /// (`TOKEN"}`), from the group of four characters it starts in, into a buffer on the stack.
    private static func inOpaque(_ id: UnsafeBufferPointer<UInt8>) -> SlotCode? {
        let total = id.count * 3 / 4, tail = SlotCode.length + 2
        guard total > tail else { return nil }
        let start = (total - tail) / 3 * 4
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { decoded -> SlotCode? in
            var count = 0
            let complete = SlotCode.values.withUnsafeBufferPointer { values -> Bool in
                func value(_ index: Int) -> UInt32 { UInt32(values[Int(id[index])] & 0xFF) }
                // Whole groups of four characters make three bytes; a last group of two or three, one or two.
                // Indices stay within the id and the 24 bytes: wrapping arithmetic spares the checks.
                var index = start
                while index < id.count, count &+ 3 <= 24 {
                    let left = id.count &- index
                    let a = value(index), b = value(index &+ 1)
                    let c = left > 2 ? value(index &+ 2) : 0, d = left > 3 ? value(index &+ 3) : 0
                    guard left >= 2, (a | b | c | d) < 64 else { return false }
                    let bits = a &<< 18 | b &<< 12 | c &<< 6 | d
                    decoded[count] = UInt8(truncatingIfNeeded: bits &>> 16)
                    decoded[count &+ 1] = UInt8(truncatingIfNeeded: bits &>> 8)
                    decoded[count &+ 2] = UInt8(truncatingIfNeeded: bits)
                    count &+= min(3, left &- 1)
                    index &+= 4
                }
                return index >= id.count
            }
            guard complete else { return nil }
            guard count >= tail, decoded[count - 1] == UInt8(ascii: "}"), decoded[count - 2] == UInt8(ascii: "\"") else { return nil }
            return SlotCode(token: UnsafeBufferPointer(start: decoded.baseAddress, count: count - 2))
        }
    }
}
