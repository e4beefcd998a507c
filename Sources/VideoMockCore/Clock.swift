import Glibc
import Synchronization

/// The time tasks live by: the wall clock, or a manual clock that only moves when told to.
/// Either can be moved forward by `advance`; lifecycle durations are multiplied by `timeScale`.
public final class Clock: Sendable {
    public enum Mode: String, Sendable, CaseIterable {
        case wall, manual
    }

    public let mode: Mode
    /// Multiplies every lifecycle duration (not expiry periods); 0 finishes tasks at once.
    public let timeScale: Double
    private let state: Mutex<(start: Double, offset: Double)>

    public init(mode: Mode, timeScale: Double = 1) {
        self.mode = mode
        self.timeScale = timeScale
        state = Mutex((start: Clock.wallNow(), offset: 0))
    }

    /// Seconds since the Unix epoch.
    public func now() -> Double {
        let (start, offset) = state.withLock { ($0.start, $0.offset) }
        return (mode == .manual ? start : Clock.wallNow()) + offset
    }

    /// Moves the clock forward by `seconds` (never backwards).
    public func advance(by seconds: Double) {
        state.withLock { $0.offset += max(0, seconds) }
    }

    /// Moves the clock to `epoch` seconds.
    public func set(to epoch: Double) {
        let base = mode == .manual ? state.withLock { $0.start } : Clock.wallNow()
        state.withLock { $0.offset = epoch - base }
    }

    /// Undoes every move: back to the wall time, or to the time the manual clock started at.
    public func reset() {
        state.withLock { $0.offset = 0 }
    }

    static func wallNow() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
