import HTTPServer
import Synchronization

/// Watches what each API key's client does, request by request, and keeps the small records the
/// verdict needs: for each failing request its retry chain, for each accepted create its body's
/// fingerprint, for each task the reads and downloads it saw. Findings are made as requests
/// arrive, so the verdict stays exact however many tasks there are and however far the bounded
/// journal has wrapped.
package final class ClientObserver: Sendable {
    /// Findings kept with their evidence, per key; counts stay exact beyond it.
    static let keptFindings = 1000
    /// Requests kept as evidence of one chain or task.
    static let keptEvidence = 6

    private let clock: Clock
    private let keys = Mutex<[String: KeyRecord]>([:])

    package init(clock: Clock) {
        self.clock = clock
    }

    /// The time rules are judged by: the key's clock; on a manual clock, which moves only when a
    /// test moves it, real time instead, since that is what a client's waiting takes.
    private func judgedTime(for key: String) -> Double {
        clock.mode == .manual ? monotonicSeconds() : clock.now(for: key)
    }

    /// Records one request and makes the findings it completes; returns their codes, each with
    /// the journal numbers of the requests that took part.
    @discardableResult
    package func observe(_ request: ObservedRequest, settings: VerdictSettings) -> [(code: FindingCode, journalIDs: [Int])] {
        let at = judgedTime(for: request.key)
        let evidence = Evidence(
            time: clock.now(for: request.key), method: request.method, path: request.path, status: request.status,
            journalID: request.journalID)
        return keys.withLock { keys in
            var judge = Judge(request: request, at: at, evidence: evidence, settings: settings, scale: clock.timeScale)
            // In place: a copy of the record would copy its tables on every request.
            judge.run(on: &keys[request.key, default: KeyRecord()])
            return judge.found
        }
    }

    /// The findings so far for `key` (nil: every key), with those only the end of a run can
    /// show (tasks never downloaded or abandoned) judged against `tasks`, the key's tasks now.
    package func verdict(for key: String?, tasks: [TaskSnapshot], settings: (String) -> VerdictSettings) -> Verdict {
        keys.withLock { keys in
            var verdict = Verdict(findings: [], counts: [:], tasks: tasks.count, requests: 0)
            for (owner, record) in keys where key == nil || owner == key {
                verdict.requests += record.requests
                verdict.findings += record.findings
                for (code, count) in record.counts { verdict.counts[code, default: 0] += count }
            }
            for task in tasks {
                let ignored = settings(task.record.owner).ignored
                let seen = keys[task.record.owner]?.tasks[task.record.sequence]
                let end = Judge.endOfRun(task, seen: seen)
                guard let code = end, !ignored.contains(code) else { continue }
                verdict.counts[code, default: 0] += 1
                verdict.findings.append(
                    Finding(
                        code: code, apiKey: task.record.owner, provider: task.record.provider, task: task.id,
                        message: Judge.endOfRunMessage(code, task: task.id), evidence: seen?.evidence ?? []))
            }
            return verdict
        }
    }

    /// Forgets what `key` (nil: every key) did.
    package func reset(key: String?) {
        keys.withLock { keys in
            if let key { keys[key] = nil } else { keys = [:] }
        }
    }
}

/// What the observer keeps of one key.
struct KeyRecord {
    var requests = 0
    /// Requests whose last attempt failed, by fingerprint; a success ends the chain.
    var chains: [Int: RetryChain] = [:]
    /// Accepted creates by body fingerprint, for duplicates within the window.
    var creates: [Int: (at: Double, evidence: Evidence)] = [:]
    /// By the task's place in the store.
    var tasks: [Int: TaskSeen] = [:]
    var findings: [Finding] = []
    var counts: [FindingCode: Int] = [:]
    /// When the creates were last swept of entries older than the window.
    var sweptAt = 0.0
}

/// Attempts of one request since it last succeeded.
struct RetryChain {
    var attempts = 0
    var lastAt = 0.0
    var lastStatus = 0
    /// Not before this time, as the last reply's Retry-After said.
    var notBefore: Double?
    /// The last reply said the request itself is wrong (400, 401, 403, 404, 422).
    var isNonRetryable = false
    /// Every failure so far was a 5xx or a 429, the kind a client retries.
    var onlyRetryable = true
    /// The last three waits between attempts.
    var intervals: [Double] = []
    var evidence: [Evidence] = []
    var reported: Set<FindingCode> = []
}

/// What the client saw of one task.
struct TaskSeen {
    var lastReadAt: Double?
    /// Seconds the last read advised waiting before the next.
    var advisedWait: Double?
    var finalShown = false
    var readsAfterFinal = 0
    var completedShown = false
    var runningReads = 0
    var firstRunningReadAt: Double?
    var downloaded = false
    var inline = false
    var evidence: [Evidence] = []
    var reported: Set<FindingCode> = []
}
