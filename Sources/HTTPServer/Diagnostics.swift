import CLibevent
import Glibc
import Synchronization

/// Lines the server writes to stderr about itself (accept failures, libevent's warnings). A
/// write never blocks: when nobody reads stderr and its pipe is full, the line is dropped rather
/// than stalling an event loop.
package enum Diagnostics {
    /// Writes `line` to stderr if it can be written at once.
    package static func write(_ line: String) {
        var descriptor = pollfd(fd: STDERR_FILENO, events: Int16(POLLOUT), revents: 0)
        guard poll(&descriptor, 1, 0) == 1, descriptor.revents & Int16(POLLOUT) != 0 else { return }
        // At most PIPE_BUF bytes, which a pipe that polled writable takes whole.
        let bytes = Array((line + "\n").utf8.prefix(Int(PIPE_BUF)))
        _ = bytes.withUnsafeBytes { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Routes libevent's own warnings through `write`, once per process.
    static let routeLibeventLog: Void = {
        event_set_log_callback { severity, message in
            guard severity >= EVENT_LOG_WARN, let message else { return }
            Diagnostics.write("videomock: libevent: \(String(cString: message))")
        }
    }()
}

/// At most one line per `interval` seconds about a recurring condition, from any thread, counting
/// the times it was not written. Lock-free: a line is claimed by moving the next allowed time.
final class RateLimitedLog: Sendable {
    private let interval: Double
    /// Monotonic time, in nanoseconds, before which no line is written.
    private let nextAllowed = Atomic<Int64>(Int64.min)
    private let suppressed = Atomic<Int>(0)

    init(interval: Double) { self.interval = interval }

    func write(_ line: @autoclosure () -> String) {
        let now = Int64(monotonicSeconds() * 1e9)
        let allowed = nextAllowed.load(ordering: .relaxed)
        guard now >= allowed,
            nextAllowed.compareExchange(expected: allowed, desired: now + Int64(interval * 1e9), ordering: .relaxed).exchanged
        else {
            suppressed.wrappingAdd(1, ordering: .relaxed)
            return
        }
        let more = suppressed.exchange(0, ordering: .relaxed)
        Diagnostics.write(line() + (more > 0 ? " (\(more) more since the last such line)" : ""))
    }
}
