import Glibc
import Locking
import Synchronization

/// The time tasks live by: the wall clock, or a manual clock that only moves when told to.
/// Either can be moved forward by `advance`; lifecycle durations are multiplied by `timeScale`.
///
/// Each API key may run ahead of the server's time by an offset of its own (`advance` and
/// `set` with a key), so that test workers sharing a server move their own tasks' time and no
/// one else's. Everything time-derived for a task reads its owner's clock, `now(for:)`.
/// Reading takes no lock while no key has an offset: it happens several times a request.
package final class Clock: Sendable {
    package enum Mode: String, Sendable, CaseIterable {
        case wall, manual
    }

    /// The latest time the clock may be moved to (the year 5000): every time stays an exact integer.
    package static let latest: Double = 95_617_584_000

    package let mode: Mode
    /// Multiplies every lifecycle duration (not expiry periods); 0 finishes tasks at once.
    package let timeScale: Double
    /// When a manual clock started.
    private let start: Double
    /// Seconds added to the wall clock or to `start`, as the bits of a Double.
    private let offset = Atomic<UInt64>(0)
    /// Seconds each key's clock runs ahead of the server's.
    private let keyOffsets = Locked<[String: Double]>([:])
    /// Whether `keyOffsets` has any entry, read without its lock.
    private let hasKeyOffsets = Atomic<Bool>(false)

    package init(mode: Mode, timeScale: Double = 1) {
        self.mode = mode
        self.timeScale = timeScale
        start = Clock.wallNow()
    }

    private var offsetSeconds: Double { Double(bitPattern: offset.load(ordering: .acquiring)) }

    /// The server's time, in seconds since the Unix epoch.
    package func now() -> Double {
        (mode == .manual ? start : Clock.wallNow()) + offsetSeconds
    }

    /// The time of `key`'s clock: the server's, plus the key's own offset.
    package func now(for key: String?) -> Double {
        now() + offset(for: key)
    }

    /// How far `key`'s clock runs ahead of the server's (0 for nil or a key never moved).
    package func offset(for key: String?) -> Double {
        guard let key, hasKeyOffsets.load(ordering: .acquiring) else { return 0 }
        return keyOffsets.withLock { $0[key] } ?? 0
    }

    /// Moves the clock of `key` (nil: the server's, and with it every key's) forward by
    /// `seconds`; never backwards.
    package func advance(by seconds: Double, for key: String? = nil) {
        let step = max(0, seconds)
        if let key {
            keyOffsets.withLock { $0[key, default: 0] += step }
            hasKeyOffsets.store(true, ordering: .releasing)
            return
        }
        var current = offset.load(ordering: .acquiring)
        while true {
            let next = (Double(bitPattern: current) + step).bitPattern
            let (exchanged, original) = offset.compareExchange(expected: current, desired: next, ordering: .acquiringAndReleasing)
            if exchanged { return }
            current = original
        }
    }

    /// Moves the clock of `key` (nil: the server's) to `epoch` seconds.
    package func set(to epoch: Double, for key: String? = nil) {
        if let key {
            let base = now()
            keyOffsets.withLock { $0[key] = epoch - base }
            hasKeyOffsets.store(true, ordering: .releasing)
            return
        }
        offset.store((epoch - (mode == .manual ? start : Clock.wallNow())).bitPattern, ordering: .releasing)
    }

    /// Undoes every move of `key`'s clock, which then reads the server's time again; with nil,
    /// every key's and the server's: back to the wall time, or to where a manual clock started.
    package func reset(for key: String? = nil) {
        keyOffsets.withLock { offsets in
            if let key { offsets[key] = nil } else { offsets = [:] }
            hasKeyOffsets.store(!offsets.isEmpty, ordering: .releasing)
        }
        if key == nil { offset.store(0.0.bitPattern, ordering: .releasing) }
    }

    /// Seconds on a clock that only moves forward, whatever is done to the wall clock.
    package static func monotonicNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    package static func wallNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
