import Foundation

/// Checks `condition` every 10 ms until it holds or `seconds` pass; whether it held. Tests wait
/// on what they mean this way, never for a fixed time.
func eventually(within seconds: Double = 5, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        usleep(10_000)
    }
}

/// What `measure` gives once it gives the same twice in a row, 50 ms apart (or after `seconds`).
func settled(within seconds: Double = 5, _ measure: () -> Int) -> Int {
    var last = measure()
    _ = eventually(within: seconds) {
        usleep(40_000)
        let now = measure()
        defer { last = now }
        return now == last
    }
    return last
}

/// The sanitizer the tests (and the server they start) were built with, if any
/// (`make test-tsan` and `make test-asan` set `VIDEOMOCK_SANITIZER`).
let sanitizer = ProcessInfo.processInfo.environment["VIDEOMOCK_SANITIZER"]

/// Waits `seconds` without holding a thread: Swift Testing runs tests on as few threads as there
/// are cores, and a test asleep on one holds back the others.
func pause(_ seconds: Double) async throws {
    try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
}

/// Runs blocking I/O (a reply the server delays, a process's exit) on a thread of its own and
/// waits for its result without holding one of the test threads. `body` makes no expectations:
/// those belong to the test, which checks what it returns.
func offTestThreads<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (finished: CheckedContinuation<T, any Error>) in
        Thread { finished.resume(with: Result { try body() }) }.start()
    }
}
