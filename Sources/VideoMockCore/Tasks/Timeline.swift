/// Where a task is in its life. Providers choose the words (`in_progress`, `processing`, ...).
public enum TaskPhase: String, Sendable, CaseIterable {
    case queued
    case inProgress = "in_progress"
    case completed
    case failed
    /// A status the upstream could not report (Amux's fallback); scripted by scenarios only.
    case unknown

    public var isFinal: Bool { self == .completed || self == .failed }
}

/// How a task ends.
public enum Outcome: Sendable, Equatable {
    case complete
    case fail(code: String, message: String)
}

/// The states a task goes through, each held for a time or for a number of status reads;
/// the last one is final.
public struct Timeline: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var phase: TaskPhase
        /// Held this many seconds (multiplied by the clock's time scale)...
        public var seconds: Double?
        /// ...or for this many status reads.
        public var polls: Int?
        /// Shown instead of the derived progress.
        public var progress: Int?

        public init(phase: TaskPhase, seconds: Double? = nil, polls: Int? = nil, progress: Int? = nil) {
            self.phase = phase
            self.seconds = seconds
            self.polls = polls
            self.progress = progress
        }
    }

    public var steps: [Step]

    public init(steps: [Step]) {
        precondition(!steps.isEmpty, "a timeline has at least its final step")
        self.steps = steps
    }

    /// Queued, then rendering, then the outcome.
    public static func standard(queued: Double, rendering: Double, outcome: Outcome = .complete) -> Timeline {
        Timeline(steps: [
            Step(phase: .queued, seconds: queued),
            Step(phase: .inProgress, seconds: rendering),
            Step(phase: outcome == .complete ? .completed : .failed),
        ])
    }
}
