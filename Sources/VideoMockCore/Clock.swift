import Glibc
import Synchronization

/// The time tasks live by: the wall clock, or a manual clock that only moves when told to.
/// Either can be moved forward by `advance`; lifecycle durations are multiplied by `timeScale`.
/// Reading it takes no lock: it is read several times by every request.
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

    package init(mode: Mode, timeScale: Double = 1) {
        self.mode = mode
        self.timeScale = timeScale
        start = Clock.wallNow()
    }

    private var offsetSeconds: Double { Double(bitPattern: offset.load(ordering: .acquiring)) }

    /// Seconds since the Unix epoch.
    package func now() -> Double {
        (mode == .manual ? start : Clock.wallNow()) + offsetSeconds
    }

    /// Moves the clock forward by `seconds` (never backwards).
    package func advance(by seconds: Double) {
        var current = offset.load(ordering: .acquiring)
        while true {
            let next = (Double(bitPattern: current) + max(0, seconds)).bitPattern
            let (exchanged, original) = offset.compareExchange(expected: current, desired: next, ordering: .acquiringAndReleasing)
            if exchanged { return }
            current = original
        }
    }

    /// Moves the clock to `epoch` seconds.
    package func set(to epoch: Double) {
        offset.store((epoch - (mode == .manual ? start : Clock.wallNow())).bitPattern, ordering: .releasing)
    }

    /// Undoes every move: back to the wall time, or to the time the manual clock started at.
    package func reset() {
        offset.store(0.0.bitPattern, ordering: .releasing)
    }

    static func wallNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
