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
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        appendToken(length: length, carrying: code, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same token, appended to `bytes`.
    package func appendToken(length: Int, carrying code: SlotCode, to bytes: inout [UInt8]) {
        appendRandom(max(0, length - SlotCode.length), to: &bytes)
        code.append(to: &bytes)
    }

    /// `length` lowercase letters and digits.
    package func token(length: Int) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(length)
        appendRandom(length, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `length` random lowercase letters and digits, ten from each 64 random bits.
    private func appendRandom(_ length: Int, to bytes: inout [UInt8]) {
        IDGenerator.lowercaseAndDigits.withUnsafeBufferPointer { alphabet in
            var bits = next(), left = 10
            for _ in 0..<length {
                if left == 0 { bits = next(); left = 10 }
                bytes.append(alphabet[Int(bits % 36)])
                bits /= 36
                left -= 1
            }
        }
    }
}
