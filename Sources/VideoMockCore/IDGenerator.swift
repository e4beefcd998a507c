import Glibc
import Synchronization

/// Random tokens for ids, reproducible when seeded (`--seed`). SplitMix64, whose state only
/// ever has a constant added, so one atomic add makes it safe to share without a lock.
package final class IDGenerator: Sendable {
    private let state: Atomic<UInt64>

    package init(seed: UInt64?) {
        var initial = seed ?? 0
        if seed == nil {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            initial = UInt64(bitPattern: Int64(now.tv_nsec)) ^ UInt64(now.tv_sec) << 20 ^ UInt64(getpid())
        }
        state = Atomic(initial)
    }

    private static let golden: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// The next 64 random bits.
    package func next() -> UInt64 {
        var z = state.wrappingAdd(IDGenerator.golden, ordering: .relaxed).newValue
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static let lowercaseAndDigits = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `length` lowercase letters and digits, the last twelve carrying `code` (a task's slot).
    package func token(length: Int, carrying code: SlotCode) -> String {
        var bytes = randomCharacters(max(0, length - SlotCode.length))
        code.append(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `length` lowercase letters and digits.
    package func token(length: Int) -> String {
        String(decoding: randomCharacters(length), as: UTF8.self)
    }

    /// `length` random lowercase letters and digits, with room for a slot code after them.
    private func randomCharacters(_ length: Int) -> [UInt8] {
        let alphabet = IDGenerator.lowercaseAndDigits
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length + SlotCode.length)
        var bits = next(), left = 10
        for _ in 0..<length {
            if left == 0 { bits = next(); left = 10 }
            bytes.append(alphabet[Int(bits % 36)])
            bits /= 36
            left -= 1
        }
        return bytes
    }
}
