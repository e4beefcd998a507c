import Locking

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

    /// The time a key's requests are judged by, in seconds.
    package typealias JudgedTime = @Sendable (_ key: String) -> Double

    private let clock: Clock
    private let judgedTime: JudgedTime
    private let keys = Locked<Keys>(Keys())

    private struct Keys {
        var live: [String: KeyRecord] = [:]
        /// What the keys reset since the last full reset did: the session's total.
        var retired = Verdict(findings: [], counts: [:], tasks: 0, requests: 0)
    }

    /// `judgedTime` defaults to the key's clock; on a manual clock, which moves only when a test
    /// moves it, to real time instead, since that is what a client's waiting takes. Tests pass
    /// their own to feed requests at exact instants.
    package init(clock: Clock, judgedTime: JudgedTime? = nil) {
        self.clock = clock
        self.judgedTime = judgedTime ?? { key in clock.mode == .manual ? Clock.monotonicNow() : clock.now(for: key) }
    }

    /// Records one request and makes the findings it completes; returns their codes, each with
    /// the journal numbers of the requests that took part.
    @discardableResult
    package func observe(_ request: consuming ObservedRequest, settings: consuming VerdictSettings) -> [(
        code: FindingCode, journalIDs: [Int]
    )] {
        let at = judgedTime(request.key)
        let evidence = Evidence(
            time: clock.now(for: request.key), method: request.method, path: request.path, status: request.status,
            journalID: request.journalID)
        // The request and settings move into the judge: nothing of them is copied.
        var judge = Judge(request: request, at: at, evidence: evidence, settings: settings, scale: clock.timeScale)
        return keys.withLock { keys in
            // In place: a copy of the record would copy its tables on every request.
            judge.run(on: &keys.live[judge.request.key, default: KeyRecord()])
            return judge.found
        }
    }

    /// The findings so far for `key` (nil: every key, and the keys reset since the last full
    /// reset), with those only a task's state now can show (polled without end, never downloaded,
    /// abandoned) judged against `tasks`, the key's tasks now.
    package func verdict(for key: String?, tasks: [TaskSnapshot], settings: (String) -> VerdictSettings) -> Verdict {
        keys.withLock { keys in
            var verdict = key == nil ? keys.retired : Verdict(findings: [], counts: [:], tasks: 0, requests: 0)
            for (owner, record) in keys.live where key == nil || owner == key {
                verdict.add(requests: record.requests, findings: record.tally.findings, counts: record.tally.counts)
            }
            verdict.add(ClientObserver.endOfRun(tasks, live: keys.live, settings: settings))
            return verdict
        }
    }

    /// The findings of the tasks' states now.
    private static func endOfRun(_ tasks: [TaskSnapshot], live: [String: KeyRecord], settings: (String) -> VerdictSettings) -> Verdict {
        var verdict = Verdict(findings: [], counts: [:], tasks: tasks.count, requests: 0)
        for task in tasks {
            let owner = task.record.owner
            let settings = settings(owner)
            let seen = live[owner]?.tasks[task.record.sequence]
            guard let (code, message) = Judge.endOfRun(task, seen: seen, settings: settings), !settings.ignored.contains(code) else {
                continue
            }
            verdict.counts[code, default: 0] += 1
            guard verdict.findings.count < keptFindings else { continue }
            verdict.findings.append(
                Finding(
                    code: code, apiKey: owner, provider: task.record.provider, task: task.id, message: message,
                    evidence: seen?.evidence ?? EvidenceList()))
        }
        return verdict
    }

    /// Forgets what `key` did, keeping its findings (judged against `tasks`, its last tasks) in
    /// the session's total; without a key, forgets everything.
    package func reset(key: String?, tasks: [TaskSnapshot] = [], settings: (String) -> VerdictSettings = { _ in VerdictSettings() }) {
        keys.withLock { keys in
            guard let key else {
                keys = Keys()
                return
            }
            guard let record = keys.live.removeValue(forKey: key) else { return }
            keys.retired.add(requests: record.requests, findings: record.tally.findings, counts: record.tally.counts)
            keys.retired.add(ClientObserver.endOfRun(tasks, live: [key: record], settings: settings))
        }
    }
}

extension Verdict {
    /// Adds another part's findings, keeping at most a thousand with their evidence.
    mutating func add(requests: Int, findings: [Finding], counts: [FindingCode: Int]) {
        self.requests += requests
        self.findings += findings.prefix(max(0, ClientObserver.keptFindings - self.findings.count))
        for (code, count) in counts { self.counts[code, default: 0] += count }
    }

    mutating func add(_ other: Verdict) {
        tasks += other.tasks
        add(requests: other.requests, findings: other.findings, counts: other.counts)
    }
}

/// What the observer keeps of one key.
struct KeyRecord {
    var requests = 0
    /// Requests whose last attempt failed, by fingerprint; a success ends the chain.
    var chains: [Int: RetryChain] = [:]
    /// Accepted creates by body fingerprint, for duplicates within the window.
    var creates: [Int: AcceptedCreate] = [:]
    /// By the task's place in the store.
    var tasks: [Int: TaskSeen] = [:]
    var tally = FindingTally()
    /// When the creates were last swept of entries older than the window.
    var sweptAt = 0.0
}

/// A key's findings: the first thousand with their evidence, and exact counts.
struct FindingTally {
    var findings: [Finding] = []
    var counts: [FindingCode: Int] = [:]
}

/// An accepted create, kept for the duplicate window: only what its evidence does not share with
/// a duplicate (which has the same method and target, or its fingerprint would differ). A store
/// of a million tasks keeps a million of these.
struct AcceptedCreate {
    /// The judged time, and the key's clock time the evidence shows.
    var at: Double
    var time: Double
    /// Its journal number (-1: none), and status: 24 bytes in all.
    var journalID: Int32
    var status: Int16

    init(at: Double, _ evidence: Evidence) {
        self.at = at
        time = evidence.time
        journalID = evidence.journalID.flatMap { Int32(exactly: $0) } ?? -1
        status = Int16(clamping: evidence.status)
    }

    /// Its evidence, with the method and target of `duplicate`'s.
    func evidence(like duplicate: Evidence) -> Evidence {
        var evidence = duplicate
        evidence.time = time
        evidence.status = Int(status)
        evidence.journalID = journalID >= 0 ? Int(journalID) : nil
        return evidence
    }
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
    var evidence = EvidenceList()
    var reported = FindingCodes()
}

/// What the client saw of one task.
struct TaskSeen {
    var lastReadAt: Double?
    /// Seconds the last read advised waiting before the next.
    var advisedWait: Double?
    var finalShown = false
    var readsAfterFinal = 0
    var completedShown = false
    /// Reads while it sat in the last step of a timeline that ends short of an end.
    var stuckReads = 0
    var firstStuckReadAt: Double?
    var lastStuckReadAt: Double?
    var downloaded = false
    var inline = false
    var evidence = EvidenceList()
    var reported = FindingCodes()
}
