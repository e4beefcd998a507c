/// The verdict's rules, applied to one request against what its key did before.
struct Judge {
    let request: ObservedRequest
    /// When it arrived, on the time rules are judged by.
    let at: Double
    let evidence: Evidence
    let settings: VerdictSettings
    /// The server's time scale: intervals the server implies (not ones it states) scale with it.
    let scale: Double
    /// The findings this request completed, with the journal numbers of their evidence.
    private(set) var found: [(code: FindingCode, journalIDs: [Int])] = []

    init(request: consuming ObservedRequest, at: Double, evidence: consuming Evidence, settings: consuming VerdictSettings, scale: Double) {
        self.request = request
        self.at = at
        self.evidence = evidence
        self.settings = settings
        self.scale = scale
    }

    static let nonRetryableStatuses: Set<Int> = [400, 401, 403, 404, 422]

    mutating func run(on record: inout KeyRecord) {
        record.requests += 1
        judgeRetries(&record)
        if request.endpoint == .create, (200..<300).contains(request.status) { judgeCreate(&record) }
        // In place (the task's table and the tally are apart): no copy of what was seen.
        if let task = request.task { judge(task, &record.tasks[task.sequence, default: TaskSeen()], &record.tally) }
    }

    private mutating func judge(_ task: TaskView, _ seen: inout TaskSeen, _ tally: inout FindingTally) {
        seen.inline = task.deliversInline
        switch request.endpoint {
        case .retrieve: judgeRead(task, &seen, &tally)
        case .content: judgeDownload(task, &seen, &tally)
        default: break
        }
    }

    // MARK: Retries

    private mutating func judgeRetries(_ record: inout KeyRecord) {
        // Only a failure, or a request that may end a chain, needs telling apart from others.
        guard request.status >= 400 || !record.chains.isEmpty else { return }
        let fingerprint = request.fingerprint
        var chain = record.chains[fingerprint]
        if var retry = chain {
            retry.attempts += 1
            // The last three waits are all the back-off rule reads.
            retry.intervals = retry.intervals.suffix(2) + [at - retry.lastAt]
            retry.evidence.keep(evidence)
            let subject = "\(request.method) \(request.path)"
            if retry.isNonRetryable, firstReport(.retriedNonRetryable, &retry.reported) {
                report(
                    .retriedNonRetryable, task: request.task?.id, evidence: retry.evidence, into: &record.tally,
                    "\(subject) was sent again, unchanged, after it was refused with \(retry.lastStatus); "
                        + "that answer means the request itself is wrong and will not succeed by repeating it.")
            }
            if let notBefore = retry.notBefore, at < notBefore, firstReport(.retryAfterIgnored, &retry.reported) {
                let early = Self.seconds(notBefore - at)
                report(
                    .retryAfterIgnored, task: request.task?.id, evidence: retry.evidence, into: &record.tally,
                    "\(subject) was retried \(early) before the Retry-After of the \(retry.lastStatus) it got had passed.")
            }
            let last = retry.intervals.suffix(3)
            // Waits grow when each is clearly longer than the one before (by a fifth, beyond jitter).
            if retry.onlyRetryable, last.count == 3, !zip(last.dropFirst(), last).contains(where: { $0 > $1 * 1.2 }),
                firstReport(.noBackoff, &retry.reported)
            {
                let waits = last.map(Self.seconds).joined(separator: ", ")
                report(
                    .noBackoff, task: request.task?.id, evidence: retry.evidence, into: &record.tally,
                    "\(subject) was retried \(retry.attempts - 1) times after \(retry.lastStatus) answers with waits that did not grow "
                        + "(\(waits)); back off, for instance by doubling the wait.")
            }
            let storm = settings.retryStorm
            if retry.attempts > storm, firstReport(.retryStorm, &retry.reported) {
                report(
                    .retryStorm, task: request.task?.id, evidence: retry.evidence, into: &record.tally,
                    "\(subject) was attempted \(retry.attempts) times in a row without success (more than \(storm)).")
            }
            chain = retry
        }
        guard request.status >= 400 else {
            record.chains[fingerprint] = nil
            return
        }
        var failing = chain ?? RetryChain(attempts: 1, evidence: EvidenceList([evidence]))
        failing.lastAt = at
        failing.lastStatus = request.status
        failing.notBefore = request.retryAfter.map { at + $0 }
        // Content asked for too early is judged as such; asking again once it is ready is right.
        let tooEarly = request.endpoint == .content && request.task.map { $0.phase != .completed && !$0.isExpired } == true
        failing.isNonRetryable = Self.nonRetryableStatuses.contains(request.status) && !tooEarly
        failing.onlyRetryable = failing.onlyRetryable && (request.status >= 500 || request.status == 429)
        record.chains[fingerprint] = failing
    }

    // MARK: Creates

    private mutating func judgeCreate(_ record: inout KeyRecord) {
        let fingerprint = request.fingerprint
        if at - record.sweptAt > settings.duplicateWindow {
            record.creates = record.creates.filter { at - $0.value.at <= settings.duplicateWindow }
            record.sweptAt = at
        }
        if let earlier = record.creates[fingerprint], at - earlier.at <= settings.duplicateWindow {
            let apart = at - earlier.at
            report(
                .duplicateCreate, task: nil, evidence: EvidenceList([earlier.evidence(like: evidence), evidence]), into: &record.tally,
                "The same create was accepted twice within \(Self.seconds(apart)): each is a paid job. "
                    + "After a timeout, look for the first job (list, or an idempotency key) before submitting again.")
        }
        record.creates[fingerprint] = AcceptedCreate(at: at, evidence)
    }

    // MARK: Tasks

    private mutating func judgeRead(_ task: TaskView, _ seen: inout TaskSeen, _ tally: inout FindingTally) {
        guard (200..<300).contains(request.status) else { return }
        // The read before is evidence only when this one came too soon (looked at first, so that
        // it is copied only then).
        var tooSoon = false
        if let last = seen.lastReadAt, let wait = seen.advisedWait { tooSoon = at - last < wait * 0.95 }
        let previousRead = tooSoon ? seen.evidence.last : nil
        seen.evidence.keep(evidence)
        if tooSoon, let last = seen.lastReadAt, let wait = seen.advisedWait, firstReport(.pollTooFast, &seen.reported) {
            let gap = at - last
            report(
                .pollTooFast, task: task.id, evidence: EvidenceList([previousRead, evidence].compactMap { $0 }), into: &tally,
                "Task \(task.id) was read again \(Self.seconds(gap)) after the last read, which advised waiting "
                    + "\(Self.seconds(wait)).")
        }
        if seen.finalShown {
            seen.readsAfterFinal += 1
            if seen.readsAfterFinal > 1, firstReport(.polledAfterTerminal, &seen.reported) {
                report(
                    .polledAfterTerminal, task: task.id, evidence: seen.evidence, into: &tally,
                    "Task \(task.id) was read \(seen.readsAfterFinal) more times after the client was shown it had ended; "
                        + "stop polling at completed or failed.")
            }
        } else if task.isStuck {
            // Counted from the moment it should have finished: its timeline ends short of an end.
            seen.stuckReads += 1
            seen.firstStuckReadAt = seen.firstStuckReadAt ?? at
            seen.lastStuckReadAt = at
        }
        if task.phase.isFinal {
            seen.finalShown = true
            seen.completedShown = seen.completedShown || task.phase == .completed
        }
        seen.lastReadAt = at
        // What the reply advised, or the documented interval for providers that advise none.
        seen.advisedWait = task.phase.isFinal ? nil : (request.pollAfter ?? settings.pollInterval * scale)
    }

    private mutating func judgeDownload(_ task: TaskView, _ seen: inout TaskSeen, _ tally: inout FindingTally) {
        if task.isExpired {
            if firstReport(.downloadAfterExpiry, &seen.reported) {
                report(
                    .downloadAfterExpiry, task: task.id, evidence: EvidenceList([evidence]), into: &tally,
                    "Task \(task.id)'s video was asked for after its link expired; download within the validity period.")
            }
        } else if task.phase != .completed {
            if firstReport(.contentBeforeCompleted, &seen.reported) {
                report(
                    .contentBeforeCompleted, task: task.id, evidence: EvidenceList([evidence]), into: &tally,
                    "Task \(task.id)'s video was asked for while its status was \(task.phase.rawValue); wait for completed.")
            }
        } else if request.fetchesVideo, (200..<300).contains(request.status) {
            seen.downloaded = true
        }
    }

    // MARK: End of a run

    /// What a task's state now says of the client: polled on and on although it will not
    /// finish, never fetched although shown completed, or left before the client saw its end.
    /// A task that finished is never judged to have been polled without bound.
    static func endOfRun(_ task: TaskSnapshot, seen: TaskSeen?, settings: VerdictSettings) -> (code: FindingCode, message: String)? {
        let id = task.id
        guard let seen, seen.finalShown else {
            if let seen, !task.phase.isFinal, let first = seen.firstStuckReadAt, let last = seen.lastStuckReadAt,
                seen.stuckReads > settings.unboundedPolls || last - first > settings.unboundedSeconds
            {
                return (
                    .unboundedPolling,
                    "Task \(id) was polled \(seen.stuckReads) times over \(seconds(last - first)) after it should have finished; "
                        + "it is still \(task.phase.rawValue) and will not finish. The client has no timeout."
                )
            }
            return (.abandoned, "The client stopped reading task \(id) before it was shown its final state.")
        }
        if seen.completedShown, !seen.downloaded, !seen.inline {
            return (.neverDownloaded, "Task \(id) completed and the client was shown so, but its video was never downloaded.")
        }
        return nil
    }

    // MARK: Helpers

    /// Whether `code` is to be reported for this subject now: not left out, and not yet reported.
    private func firstReport(_ code: FindingCode, _ reported: inout FindingCodes) -> Bool {
        !settings.ignored.contains(code) && reported.insert(code)
    }

    private mutating func report(
        _ code: FindingCode, task: String?, evidence: EvidenceList, into tally: inout FindingTally, _ message: @autoclosure () -> String
    ) {
        guard !settings.ignored.contains(code) else { return }
        found.append((code, evidence.kept.compactMap(\.journalID)))
        tally.counts[code, default: 0] += 1
        // The message is made only for a finding that is kept.
        guard tally.findings.count < ClientObserver.keptFindings else { return }
        tally.findings.append(
            Finding(code: code, apiKey: request.key, provider: request.provider, task: task, message: message(), evidence: evidence))
    }

    /// `2.5 s`, `120 ms`.
    static func seconds(_ value: Double) -> String {
        if abs(value) < 1 { return "\(Int((value * 1000).rounded())) ms" }
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded)) s" : "\(rounded) s"
    }
}
