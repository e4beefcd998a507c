/// What the verdict can say of a client, each with a stable code and a severity.
package enum FindingCode: String, Sendable, CaseIterable, Comparable {
    case pollTooFast = "poll_too_fast"
    case retryAfterIgnored = "retry_after_ignored"
    case retriedNonRetryable = "retried_non_retryable"
    case duplicateCreate = "duplicate_create"
    case noBackoff = "no_backoff"
    case retryStorm = "retry_storm"
    case contentBeforeCompleted = "content_before_completed"
    case polledAfterTerminal = "polled_after_terminal"
    case unboundedPolling = "unbounded_polling"
    case downloadAfterExpiry = "download_after_expiry"
    case neverDownloaded = "never_downloaded"
    case abandoned

    package enum Severity: String, Sendable, Comparable, CaseIterable {
        case info, warning, error

        package static func < (a: Severity, b: Severity) -> Bool {
            allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
        }
    }

    package var severity: Severity {
        switch self {
        case .retryAfterIgnored, .retriedNonRetryable, .retryStorm, .unboundedPolling, .downloadAfterExpiry: .error
        case .pollTooFast, .duplicateCreate, .noBackoff, .contentBeforeCompleted, .polledAfterTerminal: .warning
        case .neverDownloaded, .abandoned: .info
        }
    }

    package static func < (a: FindingCode, b: FindingCode) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A set of finding codes in one word: what was already reported of a task or a retry chain,
/// asked on every read (a `Set` hashes the code each time).
struct FindingCodes: Equatable {
    private var bits: UInt32 = 0

    /// The code's place among the cases: an enum without payloads is stored as that number.
    private static func bit(_ code: FindingCode) -> UInt32 { 1 << UInt32(withUnsafeBytes(of: code) { $0[0] }) }

    func contains(_ code: FindingCode) -> Bool { bits & Self.bit(code) != 0 }

    /// Adds `code`; whether it was not there before.
    mutating func insert(_ code: FindingCode) -> Bool {
        defer { bits |= Self.bit(code) }
        return !contains(code)
    }
}
