import Synchronization
import Testing

@testable import VideoMockCore

/// A client's requests fed to the observer at exact instants: no sockets, no sleeps.
final class JudgeHarness: Sendable {
    /// The judged time, in seconds after the start.
    private final class Instant: Sendable {
        let seconds = Mutex(0.0)
    }

    let clock = Clock(mode: .manual)
    private let now = Instant()
    let observer: ClientObserver
    let settings: VerdictSettings
    private let records = Mutex<[TaskRecord]>([])

    init(settings: VerdictSettings = VerdictSettings()) {
        self.settings = settings
        let now = self.now
        observer = ClientObserver(clock: clock, judgedTime: { _ in now.seconds.withLock { $0 } })
    }

    /// Moves the judged time (and the key's clock with it) to `seconds` after the start.
    func at(_ seconds: Double) {
        now.seconds.withLock { $0 = seconds }
    }

    /// A task of `timeline`, created at 0 with a scripted life.
    func task(_ timeline: Timeline = .standard(queued: 1, rendering: 4)) -> Int {
        records.withLock { records in
            records.append(
                TaskRecord(
                    id: "task-\(records.count + 1)", provider: .aihubmix, owner: "k", sequence: records.count + 1,
                    spec: TaskSpec(
                        model: "m", prompt: "p", duration: 4, size: nil, dimensions: .init(width: 1, height: 1), hasAudio: false),
                    createdAt: 0, timeline: timeline, outcome: .complete, expiresAfter: 1000))
            return records.count
        }
    }

    func snapshot(_ task: Int, isPoll: Bool = false) -> TaskSnapshot {
        records.withLock { records in
            var record = records[task - 1]
            let snapshot = record.observe(now: now.seconds.withLock { $0 }, timeScale: 1, isPoll: isPoll)
            record.show(snapshot)
            records[task - 1] = record
            return snapshot
        }
    }

    /// A request of key `k`, as the pipeline tells it once its reply is known.
    @discardableResult
    func send(
        _ endpoint: Endpoint, task: Int? = nil, status: Int = 200, body: String = "", retryAfter: Double? = nil, pollAfter: Double? = 1
    ) -> [FindingCode] {
        var request = ObservedRequest(
            key: "k", provider: .aihubmix, endpoint: endpoint, method: endpoint == .create ? "POST" : "GET",
            target: task.map { "/v1/videos/task-\($0)" } ?? "/v1/videos", path: "/v1/videos", body: Array(body.utf8), status: status,
            journalID: nil)
        request.retryAfter = retryAfter
        if let task {
            let shown = snapshot(task, isPoll: endpoint == .retrieve)
            var view = TaskView(
                id: shown.id, sequence: task, owner: "k", phase: shown.phase, isExpired: shown.isExpired, deliversInline: false)
            view.isStuck = records.withLock { $0[task - 1].shown?.isStuck ?? false }
            request.task = view
            request.pollAfter = shown.phase.isFinal ? nil : pollAfter
            request.fetchesVideo = endpoint == .content
        }
        return observer.observe(request, settings: settings).map(\.code)
    }

    func verdict(tasks: [Int]) -> Verdict {
        observer.verdict(for: "k", tasks: tasks.map { snapshot($0) }, settings: { _ in self.settings })
    }

    func codes(tasks: [Int] = []) -> [String] { verdict(tasks: tasks).counts.keys.map(\.rawValue).sorted() }
}

@Suite("The judge, fed requests at exact instants")
struct JudgeTests {
    @Test("a client that waits as advised, stops at completed and downloads once is found blameless")
    func wellBehaved() {
        let judge = JudgeHarness()
        let task = judge.task()
        judge.at(0)
        judge.send(.create, body: "a")
        for second in 1...5 {
            judge.at(Double(second) + 0.05)
            judge.send(.retrieve, task: task)
        }
        judge.send(.content, task: task)
        #expect(judge.codes(tasks: [task]) == [])
    }

    @Test("poll_too_fast: read again 0.5 s after a read that advised 1 s")
    func pollTooFast() {
        let judge = JudgeHarness()
        let task = judge.task()
        judge.at(1.2)
        judge.send(.retrieve, task: task)
        judge.at(1.7)
        #expect(judge.send(.retrieve, task: task) == [.pollTooFast])
        let finding = judge.verdict(tasks: []).findings.first
        #expect(finding?.message == "Task task-1 was read again 500 ms after the last read, which advised waiting 1 s.")
        #expect(finding?.evidence.total == 2)
    }

    @Test("retry_after_ignored, then no_backoff and retry_storm for a request retried at a steady pace")
    func retries() {
        let judge = JudgeHarness(
            settings: {
                var s = VerdictSettings(); s.retryStorm = 4; return s
            }())
        judge.at(0)
        judge.send(.create, status: 429, body: "a", retryAfter: 2)
        judge.at(1)
        #expect(judge.send(.create, status: 429, body: "a") == [.retryAfterIgnored])
        judge.at(2)
        judge.send(.create, status: 503, body: "a")
        judge.at(3)
        #expect(judge.send(.create, status: 503, body: "a") == [.noBackoff])
        judge.at(4)
        #expect(judge.send(.create, status: 503, body: "a") == [.retryStorm])
        let storm = judge.verdict(tasks: []).findings.first { $0.code == .retryStorm }
        #expect(storm?.evidence.total == 5)
        #expect(storm?.evidence.kept.count == 5)
    }

    @Test("waits that double are a back-off")
    func backoff() {
        let judge = JudgeHarness()
        for (attempt, time) in [0.0, 1, 3, 7, 15].enumerated() {
            judge.at(time)
            #expect(judge.send(.create, status: 503, body: "b") == [], "attempt \(attempt + 1)")
        }
    }

    @Test("retried_non_retryable: a 400 sent again unchanged")
    func retriedNonRetryable() {
        let judge = JudgeHarness()
        judge.send(.create, status: 400, body: "bad")
        judge.at(5)
        #expect(judge.send(.create, status: 400, body: "bad") == [.retriedNonRetryable])
    }

    @Test("duplicate_create: the same create accepted twice within the window")
    func duplicateCreate() {
        let judge = JudgeHarness()
        judge.send(.create, body: "same")
        judge.at(30)
        #expect(judge.send(.create, body: "same") == [.duplicateCreate])
        judge.at(700)
        #expect(judge.send(.create, body: "same") == [])
    }

    @Test("content_before_completed, polled_after_terminal and download_after_expiry")
    func taskMisuse() {
        let judge = JudgeHarness()
        let task = judge.task()
        judge.at(2)
        #expect(judge.send(.content, task: task, status: 409) == [.contentBeforeCompleted])
        judge.at(6)
        judge.send(.retrieve, task: task)
        judge.at(7)
        judge.send(.retrieve, task: task)
        judge.at(8)
        #expect(judge.send(.retrieve, task: task) == [.polledAfterTerminal])
        judge.at(2000)
        #expect(judge.send(.content, task: task, status: 410) == [.downloadAfterExpiry])
    }

    @Test("never_downloaded and abandoned are judged on the tasks' states when asked")
    func endOfRun() {
        let judge = JudgeHarness()
        let shownDone = judge.task(), leftQueued = judge.task()
        judge.at(0.5)
        judge.send(.retrieve, task: leftQueued)
        judge.at(6)
        judge.send(.retrieve, task: shownDone)
        let verdict = judge.verdict(tasks: [shownDone, leftQueued])
        #expect(verdict.counts == [.neverDownloaded: 1, .abandoned: 1])
        #expect(verdict.findings.map(\.task) == ["task-1", "task-2"])
    }

    @Test("an obedient client of a 200 s render polled 180 times is not unbounded_polling")
    func longRenderIsNotUnbounded() {
        let judge = JudgeHarness()
        let task = judge.task(.standard(queued: 1, rendering: 199))
        var time = 0.1
        while judge.snapshot(task).phase != .completed {
            judge.at(time)
            #expect(judge.send(.retrieve, task: task) == [])
            time += 1.1
        }
        judge.send(.content, task: task)
        #expect(judge.codes(tasks: [task]) == [])
    }

    @Test("unbounded_polling: a never-ending task polled past the limit, counted from when it stopped progressing")
    func unbounded() {
        let judge = JudgeHarness(
            settings: {
                var s = VerdictSettings(); s.unboundedPolls = 10; return s
            }())
        let task = judge.task(Timeline(steps: [.init(phase: .queued, seconds: 5), .init(phase: .inProgress, progress: 42)]))
        // Reads while queued do not count: it was still to progress then.
        for read in 0..<5 {
            judge.at(Double(read))
            judge.send(.retrieve, task: task)
        }
        for read in 0..<10 {
            judge.at(5 + Double(read))
            judge.send(.retrieve, task: task)
        }
        #expect(judge.codes(tasks: [task]) == ["abandoned"])
        judge.at(15)
        judge.send(.retrieve, task: task)
        let verdict = judge.verdict(tasks: [task])
        #expect(verdict.counts == [.unboundedPolling: 1])
        let finding = verdict.findings.first
        #expect(
            finding?.message
                == "Task task-1 was polled 11 times over 10 s after it should have finished; it is still in_progress and will not finish. "
                + "The client has no timeout.")
        #expect(finding?.evidence.total == 16)
        #expect(finding?.evidence.kept.count == ClientObserver.keptEvidence)
    }

    @Test("unbounded_polling by time: reads spanning more than the limit")
    func unboundedByTime() {
        let judge = JudgeHarness(
            settings: {
                var s = VerdictSettings(); s.unboundedSeconds = 60; return s
            }())
        let task = judge.task(Timeline(steps: [.init(phase: .inProgress)]))
        judge.at(0)
        judge.send(.retrieve, task: task)
        judge.at(61)
        judge.send(.retrieve, task: task)
        #expect(judge.codes(tasks: [task]) == ["unbounded_polling"])
    }

    @Test("a key reset keeps its findings in the session total until a reset without a key")
    func sessionTotal() {
        let judge = JudgeHarness()
        let task = judge.task()
        judge.at(1.2)
        judge.send(.retrieve, task: task)
        judge.at(1.3)
        judge.send(.retrieve, task: task)
        judge.observer.reset(key: "k", tasks: [judge.snapshot(task)], settings: { _ in judge.settings })
        #expect(judge.verdict(tasks: []).requests == 0)
        let session = judge.observer.verdict(for: nil, tasks: [], settings: { _ in judge.settings })
        #expect(session.counts == [.pollTooFast: 1, .abandoned: 1])
        #expect(session.requests == 2)
        #expect(session.tasks == 1)
        judge.observer.reset(key: nil)
        #expect(judge.observer.verdict(for: nil, tasks: [], settings: { _ in judge.settings }).counts == [:])
    }
}

@Suite("Evidence kept")
struct EvidenceListTests {
    @Test("the first request and the latest ones, in order, however many came")
    func firstAndLatest() {
        var list = EvidenceList()
        for n in 1...20 {
            list.keep(Evidence(time: Double(n), method: "GET", path: "/v1/videos/x", status: 200, journalID: n))
            let latest = n == 1 ? [] : Array(max(2, n - ClientObserver.keptEvidence + 2)...n)
            #expect(list.kept.compactMap(\.journalID) == [1] + latest, "after \(n)")
            #expect(list.last?.journalID == n)
            #expect(list.total == n)
        }
    }

    @Test("each finding code has a bit of its own in a set of codes, and is reported once")
    func findingCodesApart() {
        var codes = FindingCodes()
        for (index, code) in FindingCode.allCases.enumerated() {
            #expect(!codes.contains(code))
            let first = codes.insert(code), second = codes.insert(code)
            #expect(first)
            #expect(!second)
            // The codes before it are in, the ones after it not yet.
            for (other, later) in FindingCode.allCases.enumerated() { #expect(codes.contains(later) == (other <= index)) }
        }
    }
}
