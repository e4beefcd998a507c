/// What never changes about a task once created; shared by every snapshot of it, so taking one
/// costs a single reference count rather than one per field.
package final class TaskIdentity: Sendable {
    package let id: String
    package let provider: ProviderID
    package let owner: String
    /// Creation order, for listing.
    package let sequence: Int
    package let spec: TaskSpec
    package let createdAt: Double
    /// The life it was created with, shared by the tasks made alike.
    let shared: SharedPlan
    var plan: TaskPlan { shared.plan }
    /// How long a completed video stays downloadable, in seconds (not scaled).
    let expiresAfter: Double

    init(
        id: String, provider: ProviderID, owner: String, sequence: Int, spec: TaskSpec, createdAt: Double, plan: SharedPlan,
        expiresAfter: Double
    ) {
        self.id = id
        self.provider = provider
        self.owner = owner
        self.sequence = sequence
        self.spec = spec
        self.createdAt = createdAt
        self.shared = plan
        self.expiresAfter = expiresAfter
    }
}

/// A plan held by reference, so that the many tasks of a run that live alike share one copy.
package final class SharedPlan: Sendable {
    package let plan: TaskPlan
    package init(_ plan: TaskPlan) { self.plan = plan }
}

/// A life imposed on a task after creation (an admin's forced completion or failure).
final class ForcedPlan: Sendable {
    let timeline: Timeline
    let outcome: Outcome

    init(_ outcome: Outcome) {
        self.outcome = outcome
        timeline = Timeline(steps: [.init(phase: outcome == .complete ? .completed : .failed)])
    }
}

/// A task as the store keeps it: what was asked, when, and how its life is scripted.
/// Its status at any moment is derived from the clock and the reads so far.
package struct TaskRecord: Sendable {
    package let identity: TaskIdentity
    private var forced: ForcedPlan?
    package var deletedAt: Double?

    package var timeline: Timeline { forced?.timeline ?? identity.plan.timeline }
    package var outcome: Outcome { forced?.outcome ?? identity.plan.outcome }
    /// How long a completed video stays downloadable, in seconds (not scaled).
    package var expiresAfter: Double { identity.expiresAfter }

    package var id: String { identity.id }
    package var provider: ProviderID { identity.provider }
    package var owner: String { identity.owner }
    package var sequence: Int { identity.sequence }
    package var spec: TaskSpec { identity.spec }
    package var createdAt: Double { identity.createdAt }
    /// The size in bytes the scenarios asked its video to be padded to, if they did.
    package var paddedTo: Int? { identity.plan.resultBytes }
    /// How the scenarios asked for the result to be delivered, if they did.
    package var resultDelivery: ResultDelivery? { identity.plan.resultDelivery }

    // Where the timeline has got to: derived lazily on each read, never by timers.
    private var stepStartedAt: Double
    private var stepIndex: Int32 = 0
    private var readsInStep: Int32 = 0
    /// What the client was last shown of it (by a status read or a content request), for the verdict.
    package private(set) var shown: (phase: TaskPhase, isExpired: Bool, isStuck: Bool)?

    package init(
        id: String, provider: ProviderID, owner: String, sequence: Int, spec: TaskSpec, createdAt: Double,
        timeline: Timeline, outcome: Outcome, expiresAfter: Double
    ) {
        self.init(
            id: id, provider: provider, owner: owner, sequence: sequence, spec: spec, createdAt: createdAt,
            plan: SharedPlan(TaskPlan(timeline: timeline, outcome: outcome)), expiresAfter: expiresAfter)
    }

    /// A record living by a plan it may share with other tasks.
    package init(
        id: String, provider: ProviderID, owner: String, sequence: Int, spec: TaskSpec, createdAt: Double, plan: SharedPlan,
        expiresAfter: Double
    ) {
        identity = TaskIdentity(
            id: id, provider: provider, owner: owner, sequence: sequence, spec: spec, createdAt: createdAt, plan: plan,
            expiresAfter: expiresAfter)
        self.stepStartedAt = createdAt
    }

    /// Remembers what a reply showed of the task.
    package mutating func show(_ snapshot: TaskSnapshot) {
        shown = (snapshot.phase, snapshot.isExpired, snapshot.isStuck)
    }

    /// The task as it stands at `now`. A status read (`isPoll`) counts towards poll-held steps.
    package mutating func observe(now: Double, timeScale: Double, isPoll: Bool) -> TaskSnapshot {
        advance(now: now, timeScale: timeScale)
        let timeline = self.timeline
        let step = timeline.steps[Int(stepIndex)]
        let isLast = Int(stepIndex) == timeline.steps.count - 1
        var nextChange: Double?
        var progress: Int
        switch step.phase {
        case .queued, .failed, .unknown: progress = 0
        case .completed: progress = 100
        case .inProgress:
            if let seconds = step.seconds, seconds * timeScale > 0 {
                progress = Int(min(99, max(0, (now - stepStartedAt) / (seconds * timeScale) * 100)))
            } else if let polls = step.polls, polls > 0 {
                progress = min(99, Int(readsInStep) * 100 / polls)
            } else {
                progress = 0
            }
        }
        if let shown = step.progress { progress = shown }
        if !isLast, let seconds = step.seconds { nextChange = max(0, stepStartedAt + seconds * timeScale - now) }
        if isPoll { readsInStep += 1 }

        let completedAt = step.phase.isFinal && isLast ? stepStartedAt : nil
        let failure: (code: String, message: String)?
        if step.phase == .failed, isLast {
            if case .fail(let code, let message) = outcome {
                failure = (code, message)
            } else {
                failure = ("generation_failed", "Video generation failed")
            }
        } else {
            failure = nil
        }
        let expiresAfter = self.expiresAfter
        // Counted from creation, as AIHubMix's completed example shows (expires_at = created_at + 86400).
        let expiresAt = step.phase == .completed ? completedAt.map { _ in createdAt + expiresAfter } : nil
        return TaskSnapshot(
            record: self, phase: step.phase, progress: progress, completedAt: completedAt, expiresAt: expiresAt,
            failure: failure.map { TaskSnapshot.Failure(code: $0.code, message: $0.message) },
            isExpired: expiresAt.map { now >= $0 } ?? false, secondsUntilChange: nextChange, isStuck: isLast && !step.phase.isFinal)
    }

    /// Moves past every step whose time or read allowance is used up.
    private mutating func advance(now: Double, timeScale: Double) {
        let steps = timeline.steps
        while Int(stepIndex) < steps.count - 1 {
            let step = steps[Int(stepIndex)]
            if let seconds = step.seconds {
                let end = stepStartedAt + seconds * timeScale
                guard now >= end else { return }
                stepStartedAt = end
            } else {
                guard Int(readsInStep) >= (step.polls ?? 0) else { return }
                stepStartedAt = now
            }
            stepIndex += 1
            readsInStep = 0
        }
    }

    /// The states it has been in, each from when to when (nil: still), on its owner's clock, up to
    /// the one it is in now (after `observe`). Steps held for a number of reads end when the next
    /// began; one that ended before that is shown with no length.
    package func states(timeScale: Double) -> [(phase: TaskPhase, from: Double, to: Double?)] {
        let steps = timeline.steps
        let current = Int(stepIndex)
        var states: [(phase: TaskPhase, from: Double, to: Double?)] = []
        var start = forced == nil ? createdAt : stepStartedAt
        for index in 0..<current where forced == nil {
            let end = index == current - 1 ? stepStartedAt : min(stepStartedAt, start + (steps[index].seconds ?? 0) * timeScale)
            states.append((steps[index].phase, start, end))
            start = end
        }
        states.append((steps[current].phase, stepStartedAt, nil))
        return states
    }

    /// Ends the task now with `outcome`, whatever its timeline said.
    package mutating func force(_ outcome: Outcome, now: Double) {
        forced = ForcedPlan(outcome)
        stepIndex = 0
        stepStartedAt = now
        readsInStep = 0
    }
}

/// A task at one moment, provider-neutral: what the providers render.
package struct TaskSnapshot: Sendable {
    package struct Failure: Sendable, Equatable {
        package var code: String
        package var message: String
    }

    package let record: TaskRecord
    package let phase: TaskPhase
    /// 0 to 100.
    package let progress: Int
    package let completedAt: Double?
    package let expiresAt: Double?
    package let failure: Failure?
    /// Whether the download link has expired.
    package let isExpired: Bool
    /// Seconds until the status next changes by time, when it will.
    package let secondsUntilChange: Double?
    /// Whether it sits in the last step of a timeline that ends short of an end: it should have
    /// finished, and never will.
    package let isStuck: Bool

    package var id: String { record.id }
    package var spec: TaskSpec { record.spec }
    package var createdAt: Double { record.createdAt }
}
