import JSON

/// Why the engine refused to act on a task. Providers render each in their own envelope.
package enum TaskError: Error, Sendable, Equatable {
    /// No such task for this provider and key (or it was deleted).
    case notFound(id: String)

    /// No such task, named as a request names it.
    static func notFound(_ id: Substring) -> TaskError { .notFound(id: String(id)) }
    /// The model cannot do this (e.g. Kling delete, remix of a non-Sora model).
    case notSupported(String)
    /// Content asked for before the video was completed.
    case notReady(phase: TaskPhase)
    /// Content asked for of a failed video.
    case failed(TaskSnapshot.Failure)
    /// Content asked for after its link expired.
    case expired(at: Double)
    /// The media could not be made (a size without frames, a full disk).
    case mediaUnavailable(String)
}

/// Lifecycle settings every task starts from (scenario rules may change them).
package struct LifecycleDefaults: Sendable {
    package var queued: Double = 1
    package var rendering: Double = 4
    package init(queued: Double = 1, rendering: Double = 4) {
        self.queued = queued
        self.rendering = rendering
    }
}

/// Decides what happens to tasks: creates them, derives their state from the clock, lists,
/// deletes and serves their content. Knows nothing of any provider's wire format.
package final class Engine: Sendable {
    package let clock: Clock
    package let catalogs: CatalogSet
    package let store = TaskStore()
    package let media: MediaLibrary
    package let ids: IDGenerator
    package let lifecycle: LifecycleDefaults
    package let scenarios: ScenarioBook
    package let journal: Journal
    /// What each key's client did, for the verdict.
    package let observer: ClientObserver
    /// The verdict's thresholds before any scenario changes them.
    package let verdictSettings: VerdictSettings

    package init(
        clock: Clock, catalogs: CatalogSet, media: MediaLibrary, ids: IDGenerator, lifecycle: LifecycleDefaults = .init(),
        scenarios: [Scenario] = [], journal: Journal, verdictSettings: VerdictSettings = .init(), seed: UInt64? = nil
    ) {
        self.clock = clock
        self.catalogs = catalogs
        self.media = media
        self.ids = ids
        self.lifecycle = lifecycle
        self.scenarios = ScenarioBook(commandLine: scenarios, lifecycle: lifecycle, seed: seed)
        self.journal = journal
        self.verdictSettings = verdictSettings
        observer = ClientObserver(clock: clock)
    }

    /// What the scenarios decide for a request.
    package func decide(_ facts: RequestFacts) -> Decision {
        scenarios.decide(facts)
    }

    /// Creates a task with an id from `makeID`, which carries the task's slot in the store, and
    /// returns it as first seen: in its first step.
    package func create(
        provider: ProviderID, owner: String, spec: TaskSpec, model: ModelSpec, plan: SharedPlan?, makeID: (SlotCode) -> String
    ) -> TaskSnapshot {
        let now = clock.now(for: owner)
        let plan = plan ?? scenarios.basePlan
        var spec = spec
        plan.plan.media?.apply(to: &spec)
        let expiresAfter = plan.plan.expiresAfter ?? model.expiresAfter
        var record = store.insert { slot, sequence in
            TaskRecord(
                id: makeID(SlotCode(slot: slot, tag: UInt32(truncatingIfNeeded: ids.next()))), provider: provider, owner: owner,
                sequence: sequence, spec: spec, createdAt: now, plan: plan, expiresAfter: expiresAfter)
        }
        // The creation reply shows the first step, even when a zero time scale skips it on reads.
        return record.observe(now: now, timeScale: clock.timeScale == 0 ? 1 : clock.timeScale, isPoll: false)
    }

    /// Seconds a client should wait before reading the task again: none once it has ended;
    /// otherwise one second of its life, as scaled (0 under `--time-scale 0`). One value for the
    /// whole life, as OpenAI's `openai-poll-after-ms` is, which its SDK reads once and keeps.
    package func pollAdvice(_ snapshot: TaskSnapshot) -> Double {
        pollAdvice(ended: snapshot.phase.isFinal)
    }

    /// The same, for a task that has ended or not.
    package func pollAdvice(ended: Bool) -> Double {
        ended ? 0 : min(1, clock.timeScale)
    }

    /// The task as it stands on its owner's clock; a status read (`isPoll`) counts as a poll.
    private func observe(_ record: inout TaskRecord, isPoll: Bool = false) -> TaskSnapshot {
        record.observe(now: clock.now(for: record.owner), timeScale: clock.timeScale, isPoll: isPoll)
    }

    /// The task now; a status read counts as a poll.
    package func retrieve(provider: ProviderID, owner: String, id: Substring, isPoll: Bool = true) throws(TaskError) -> TaskSnapshot {
        let snapshot = store.update(id: id, provider: provider, owner: owner) { record in
            let snapshot = observe(&record, isPoll: isPoll)
            if isPoll { record.show(snapshot) }
            return snapshot
        }
        guard let snapshot else { throw .notFound(id) }
        return snapshot
    }

    /// A page of the owner's tasks; nil when `after` names no task of theirs.
    package func list(provider: ProviderID, owner: String, after: String?, limit: Int, ascending: Bool) -> (
        tasks: [TaskSnapshot], hasMore: Bool
    )? {
        store.list(provider: provider, owner: owner, after: after, limit: limit, ascending: ascending) { observe(&$0) }
    }

    /// Deletes a task, unless its model has no delete.
    package func delete(provider: ProviderID, owner: String, id: Substring) throws(TaskError) -> TaskSnapshot {
        let catalog = catalogs[provider]
        let result: Result<TaskSnapshot, TaskError>? = store.update(id: id, provider: provider, owner: owner) { record in
            if let model = catalog.model(record.spec.model), !model.supportsDelete {
                return .failure(.notSupported("Model \(model.id) has no delete endpoint; \(model.id) tasks cannot be deleted."))
            }
            let snapshot = observe(&record)
            record.deletedAt = clock.now(for: record.owner)
            return .success(snapshot)
        }
        guard let result else { throw .notFound(id) }
        return try result.get()
    }

    /// The file to serve for a task's content, once it is completed and until it expires.
    /// `corrupt` asks for a video that fails to decode; the task's plan may pad it.
    package func content(provider: ProviderID, owner: String?, id: Substring, variant: MediaLibrary.Variant, corrupt: Bool = false)
        throws(TaskError) -> TaskContent
    {
        let snapshot = try ready(provider: provider, owner: owner, id: id)
        let options = MediaLibrary.Options(paddedTo: snapshot.record.paddedTo, corrupt: corrupt)
        do { return TaskContent(file: try media.file(for: snapshot.spec, variant: variant, options: options), task: snapshot) } catch {
            throw .mediaUnavailable(error.description)
        }
    }

    /// A completed task's media for the admin API's viewers: whatever its provider and owner, and
    /// without showing the task to the client (the verdict does not see it).
    package func adminMedia(id: String, variant: MediaLibrary.Variant) throws(TaskError) -> MediaLibrary.File {
        let snapshot = try task(id: id)
        guard snapshot.phase == .completed else { throw .notReady(phase: snapshot.phase) }
        let options = MediaLibrary.Options(paddedTo: snapshot.record.paddedTo, corrupt: false)
        do { return try media.file(for: snapshot.spec, variant: variant, options: options) } catch {
            throw .mediaUnavailable(error.description)
        }
    }

    /// The task's video inline, as a `data:video/mp4;base64,...` URL.
    package func dataURL(_ snapshot: TaskSnapshot) throws(TaskError) -> String {
        do { return try media.dataURL(for: snapshot.spec) } catch { throw .mediaUnavailable(error.description) }
    }

    /// The completed, unexpired task, or why it is not.
    package func ready(provider: ProviderID, owner: String?, id: Substring) throws(TaskError) -> TaskSnapshot {
        let snapshot = store.update(id: id, provider: provider, owner: owner) { record in
            let snapshot = observe(&record)
            record.show(snapshot)
            return snapshot
        }
        guard let snapshot else { throw .notFound(id) }
        switch snapshot.phase {
        case .completed:
            if snapshot.isExpired, let expiresAt = snapshot.expiresAt { throw .expired(at: expiresAt) }
            return snapshot
        case .failed:
            throw .failed(snapshot.failure ?? .init(code: "generation_failed", message: "Video generation failed"))
        case .queued, .inProgress, .unknown:
            throw .notReady(phase: snapshot.phase)
        }
    }

    /// The model and prompt of a task, whoever owns it, without counting as a read.
    package func subject(provider: ProviderID, id: String) -> (model: String, prompt: String)? {
        store.update(id: id[...], provider: provider, owner: nil) { ($0.spec.model, $0.spec.prompt) }
    }

    /// Every task (of one key, or all), oldest first, as it stands now.
    package func tasks(owner: String?) -> [TaskSnapshot] {
        store.all(owner: owner) { observe(&$0) }
    }

    /// One task, whoever owns it, without counting as a read.
    package func task(id: String) throws(TaskError) -> TaskSnapshot {
        guard let snapshot = store.update(id: id[...], provider: nil, owner: nil, { observe(&$0) }) else { throw .notFound(id: id) }
        return snapshot
    }

    /// Ends a task now (on its owner's clock) with `outcome`.
    package func force(id: String, _ outcome: Outcome) throws(TaskError) -> TaskSnapshot {
        let snapshot = store.update(id: id[...], provider: nil, owner: nil) { record in
            record.force(outcome, now: clock.now(for: record.owner))
            return observe(&record)
        }
        guard let snapshot else { throw .notFound(id: id) }
        return snapshot
    }

    // MARK: The verdict

    /// The task a request named, as the reply showed it (nil when it showed none).
    package func shown(provider: ProviderID, id: String) -> (record: TaskRecord, phase: TaskPhase, isExpired: Bool, isStuck: Bool)? {
        store.update(id: id[...], provider: provider, owner: nil) { record in
            record.shown.map { (record, $0.phase, $0.isExpired, $0.isStuck) }
        }
            ?? nil
    }

    /// The verdict's settings for `key`: the flags', changed by the scenarios in force for it.
    package func verdictSettings(for key: String) -> VerdictSettings {
        scenarios.verdictChanges(for: key).reduce(verdictSettings) { $0.applying($1) }
    }

    /// Records a request for the verdict, and tags the journal entries of each finding it
    /// completed with the finding's code.
    package func observe(_ request: consuming ObservedRequest) {
        let settings = verdictSettings(for: request.key)
        for finding in observer.observe(request, settings: settings) {
            journal.tag(finding.journalIDs, with: finding.code.rawValue)
        }
    }

    /// How the client of `key` (nil: every key) behaved so far.
    package func verdict(for key: String?) -> Verdict {
        var verdict = observer.verdict(for: key, tasks: tasks(owner: key), settings: verdictSettings(for:))
        let ignored = key.map { verdictSettings(for: $0) }?.ignored ?? verdictSettings.ignored
        verdict.judged = FindingCode.allCases.filter { !ignored.contains($0) }
        return verdict
    }

    /// Back to a fresh start: tasks, journal, rule counters and scenarios loaded over the admin
    /// API go, and every clock returns to the server's start. With `apiKey`, only that key's
    /// tasks, journal and scenarios go, and its clock returns to the server's time.
    package func reset(apiKey: String? = nil) {
        // A key's findings stay in the session's total, judged against its tasks as they end.
        observer.reset(key: apiKey, tasks: apiKey.map { tasks(owner: $0) } ?? [], settings: verdictSettings(for:))
        store.removeAll(owner: apiKey)
        journal.clear(apiKey: apiKey)
        scenarios.clear(scope: apiKey)
        clock.reset(for: apiKey)
        if apiKey == nil { scenarios.resetCounters() }
    }
}
