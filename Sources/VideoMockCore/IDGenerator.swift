import Glibc
import Synchronization

/// Random tokens for ids, reproducible when seeded (`--seed`).
public final class IDGenerator: Sendable {
    private let state: Mutex<UInt64>

    public init(seed: UInt64?) {
        var initial = seed ?? 0
        if seed == nil {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            initial = UInt64(bitPattern: Int64(now.tv_nsec)) ^ UInt64(now.tv_sec) << 20 ^ UInt64(getpid())
        }
        state = Mutex(initial)
    }

    /// The next 64 random bits (SplitMix64).
    public func next() -> UInt64 {
        state.withLock { state in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// `length` characters drawn from `alphabet`.
    public func token(length: Int, alphabet: String = "abcdefghijklmnopqrstuvwxyz0123456789") -> String {
        let characters = Array(alphabet)
        var result = ""
        result.reserveCapacity(length)
        var bits = next(), left = 10
        for _ in 0..<length {
            if left == 0 { bits = next(); left = 10 }
            result.append(characters[Int(bits % UInt64(characters.count))])
            bits /= UInt64(characters.count)
            left -= 1
        }
        return result
    }
}
