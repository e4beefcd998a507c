import AdminContract
import Glibc
import JSON
import Locking

/// Appends each exchange to the `--record` file as one JSON line, written whole with one
/// `write`, and counts what it wrote for `GET /__admin/recording`.
package final class Recorder: Sendable {
    package let path: String
    private let file: Int32
    private let counts = Locked<(exchanges: Int, bytes: Int, byProvider: [String: Int], tasks: Set<String>, error: String?)>(
        (0, 0, [:], [], nil))

    package init(path: String) throws(RecordingError) {
        file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard file >= 0 else {
            throw RecordingError(description: "cannot write the recording \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
    }

    deinit { close(file) }

    /// Writes `exchange`; each of `secrets` (the keys the exchange carried) is replaced wherever
    /// it still appears, as a last guard.
    package func record(_ exchange: RecordedExchange, secrets: [String]) {
        var line = String(decoding: exchange.json.bytes, as: UTF8.self)
        for secret in secrets where secret.count >= 4 { line = line.replacing(secret, with: Redaction.mark) }
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(file, $0.baseAddress, $0.count) }
        counts.withLock { counts in
            guard written == bytes.count else {
                counts.error = "writing \(path) failed: \(String(cString: strerror(errno)))"
                return
            }
            counts.exchanges += 1
            counts.bytes += bytes.count
            counts.byProvider[exchange.provider, default: 0] += 1
            if let task = exchange.task { counts.tasks.insert(task) }
        }
    }

    /// What has been recorded so far.
    package var summary: RecordingSummary {
        counts.withLock { counts in
            RecordingSummary(
                file: path, exchanges: counts.exchanges, bytes: counts.bytes, byProvider: counts.byProvider, tasks: counts.tasks.count,
                error: counts.error)
        }
    }
}
