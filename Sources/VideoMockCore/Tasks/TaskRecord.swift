/// What never changes about a task once created; shared by every snapshot of it, so taking one
/// costs a single reference count rather than one per field.
public final class TaskIdentity: Sendable {
    public let id: String
    public let provider: String
    public let owner: String
    /// Creation order, for listing.
    public let sequence: Int
    public let spec: TaskSpec
    public let createdAt: Double
    /// Provider-specific settings for this task (e.g. how a result URL is rendered).
    public let attributes: [String: String]
    /// The life it was created with, shared by the tasks made alike.
    let shared: SharedPlan
    var plan: TaskPlan { shared.plan }
    /// How long a completed video stays downloadable, in seconds (not scaled).
    let expiresAfter: Double

    init(
        id: String, provider: String, owner: String, sequence: Int, spec: TaskSpec, createdAt: Double, attributes: [String: String],
        plan: SharedPlan, expiresAfter: Double
    ) {
        self.id = id
        self.provider = provider
        self.owner = owner
        self.sequence = sequence
        self.spec = spec
        self.createdAt = createdAt
        self.attributes = attributes
        self.shared = plan
        self.expiresAfter = expiresAfter
    }
}

/// A plan held by reference, so that the many tasks of a run that live alike share one copy.
public final class SharedPlan: Sendable {
    public let plan: TaskPlan
    public init(_ plan: TaskPlan) { self.plan = plan }
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
public struct TaskRecord: Sendable {
    public let identity: TaskIdentity
    private var forced: ForcedPlan?
    public var deletedAt: Double?

    public var timeline: Timeline { forced?.timeline ?? identity.plan.timeline }
    public var outcome: Outcome { forced?.outcome ?? identity.plan.outcome }
    /// How long a completed video stays downloadable, in seconds (not scaled).
    public var expiresAfter: Double { identity.expiresAfter }

    public var id: String { identity.id }
    public var provider: String { identity.provider }
    public var owner: String { identity.owner }
    public var sequence: Int { identity.sequence }
    public var spec: TaskSpec { identity.spec }
    public var createdAt: Double { identity.createdAt }
    public var attributes: [String: String] { identity.attributes }

    // Where the timeline has got to: derived lazily on each read, never by timers.
    private var stepStartedAt: Double
    private var stepIndex: Int32 = 0
    private var readsInStep: Int32 = 0

    public init(
        id: String, provider: String, owner: String, sequence: Int, spec: TaskSpec, createdAt: Double,
        timeline: Timeline, outcome: Outcome, expiresAfter: Double, attributes: [String: String] = [:]
    ) {
        self.init(
            id: id, provider: provider, owner: owner, sequence: sequence, spec: spec, createdAt: createdAt,
            plan: SharedPlan(TaskPlan(timeline: timeline, outcome: outcome)), expiresAfter: expiresAfter, attributes: attributes)
    }

    /// A record living by a plan it may share with other tasks.
    public init(
        id: String, provider: String, owner: String, sequence: Int, spec: TaskSpec, createdAt: Double, plan: SharedPlan,
        expiresAfter: Double, attributes: [String: String]
    ) {
        identity = TaskIdentity(
            id: id, provider: provider, owner: owner, sequence: sequence, spec: spec, createdAt: createdAt, attributes: attributes,
            plan: plan, expiresAfter: expiresAfter)
        self.stepStartedAt = createdAt
    }

    /// The task as it stands at `now`. A status read (`isPoll`) counts towards poll-held steps.
    public mutating func observe(now: Double, timeScale: Double, isPoll: Bool) -> TaskSnapshot {
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
            if case .fail(let code, let message) = outcome { failure = (code, message) } else {
                failure = ("generation_failed", "Video generation failed")
            }
        } else {
            failure = nil
        }
        let expiresAfter = self.expiresAfter
        let expiresAt = step.phase == .completed ? completedAt.map { $0 + expiresAfter } : nil
        return TaskSnapshot(
            record: self, phase: step.phase, progress: progress, completedAt: completedAt, expiresAt: expiresAt,
            failure: failure.map { TaskSnapshot.Failure(code: $0.code, message: $0.message) },
            isExpired: expiresAt.map { now >= $0 } ?? false, secondsUntilChange: nextChange)
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

    /// Ends the task now with `outcome`, whatever its timeline said.
    public mutating func force(_ outcome: Outcome, now: Double) {
        forced = ForcedPlan(outcome)
        stepIndex = 0
        stepStartedAt = now
        readsInStep = 0
    }
}

/// A task at one moment, provider-neutral: what the providers render.
public struct TaskSnapshot: Sendable {
    public struct Failure: Sendable, Equatable {
        public var code: String
        public var message: String
    }

    public let record: TaskRecord
    public let phase: TaskPhase
    /// 0 to 100.
    public let progress: Int
    public let completedAt: Double?
    public let expiresAt: Double?
    public let failure: Failure?
    /// Whether the download link has expired.
    public let isExpired: Bool
    /// Seconds until the status next changes by time, when it will.
    public let secondsUntilChange: Double?

    public var id: String { record.id }
    public var spec: TaskSpec { record.spec }
    public var createdAt: Double { record.createdAt }
}
