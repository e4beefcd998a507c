/// Where a task is in its life. Providers choose the words (`in_progress`, `processing`, ...).
package enum TaskPhase: String, Sendable, CaseIterable {
    case queued
    case inProgress = "in_progress"
    case completed
    case failed
    /// A status the upstream could not report (Amux's fallback); scripted by scenarios only.
    case unknown

    package var isFinal: Bool { self == .completed || self == .failed }
}

/// How a task ends.
package enum Outcome: Sendable, Equatable {
    case complete
    case fail(code: String, message: String)
}

/// The states a task goes through, each held for a time or for a number of status reads;
/// the last one is final.
package struct Timeline: Sendable, Equatable {
    package struct Step: Sendable, Equatable {
        package var phase: TaskPhase
        /// Held this many seconds (multiplied by the clock's time scale)...
        package var seconds: Double?
        /// ...or for this many status reads.
        package var polls: Int?
        /// Shown instead of the derived progress.
        package var progress: Int?

        package init(phase: TaskPhase, seconds: Double? = nil, polls: Int? = nil, progress: Int? = nil) {
            self.phase = phase
            self.seconds = seconds
            self.polls = polls
            self.progress = progress
        }
    }

    package var steps: [Step]

    package init(steps: [Step]) {
        precondition(!steps.isEmpty, "a timeline has at least its final step")
        self.steps = steps
    }

    /// Queued, then rendering, then the outcome.
    package static func standard(queued: Double, rendering: Double, outcome: Outcome = .complete) -> Timeline {
        Timeline(steps: [
            Step(phase: .queued, seconds: queued),
            Step(phase: .inProgress, seconds: rendering),
            Step(phase: outcome == .complete ? .completed : .failed),
        ])
    }
}
