import AdminContract
import JSON
import Locking
import Synchronization

/// How a task created now should live: the engine's plan for it.
package struct TaskPlan: Sendable, Equatable {
    package var timeline: Timeline
    package var outcome: Outcome
    /// nil: the model's own expiry period.
    package var expiresAfter: Double?
    /// nil: the provider's own choice for the model.
    package var resultDelivery: ResultDelivery?
    /// Pad the video to about this many bytes.
    package var resultBytes: Int?
    /// The video's length, picture size, frame rate and sound, instead of the request's (a replayed task's).
    package var media: MediaOverride?

    package init(
        timeline: Timeline, outcome: Outcome = .complete, expiresAfter: Double? = nil, resultDelivery: ResultDelivery? = nil,
        resultBytes: Int? = nil
    ) {
        self.resultBytes = resultBytes
        self.timeline = timeline
        self.outcome = outcome
        self.expiresAfter = expiresAfter
        self.resultDelivery = resultDelivery
    }
}

/// A video made as a recording describes it, whatever the request asked.
package struct MediaOverride: Sendable, Equatable {
    package var seconds: Int
    package var dimensions: Dimensions
    package var fps: Int
    package var hasAudio: Bool

    package init(seconds: Int, dimensions: Dimensions, fps: Int, hasAudio: Bool) {
        self.seconds = seconds
        self.dimensions = dimensions
        self.fps = fps
        self.hasAudio = hasAudio
    }

    func apply(to spec: inout TaskSpec) {
        spec.duration = seconds
        spec.dimensions = dimensions
        spec.fps = fps
        spec.hasAudio = hasAudio
    }
}

/// What the scenarios decided for one request.
package struct Decision: Sendable {
    let winner: Rule?
    /// A scripted reply (or a delay or fault on the normal one); a quota's 429.
    package let reply: Reply?
    let defaults: Scenario.Defaults
    let lifecycle: LifecycleDefaults
    /// The plan of a task no rule shapes, made once per set of scenarios and shared.
    let defaultPlan: SharedPlan?

    /// The rule that applied, if any.
    package var rule: String? { winner?.name }

    /// The plan for a task this request creates (built only for requests that create one).
    package var plan: SharedPlan {
        if let defaultPlan, winner?.timeline == nil, winner?.outcome == nil, winner?.result == nil { return defaultPlan }
        return SharedPlan(Decision.plan(winner, defaults: defaults, lifecycle: lifecycle))
    }

    static func plan(_ winner: Rule?, defaults: Scenario.Defaults, lifecycle: LifecycleDefaults) -> TaskPlan {
        let outcome = winner?.outcome ?? .complete
        var timeline =
            winner?.timeline.map(Timeline.init(steps:))
            ?? .standard(queued: defaults.queued ?? lifecycle.queued, rendering: defaults.rendering ?? lifecycle.rendering)
        if case .fail = outcome, let last = timeline.steps.indices.last, timeline.steps[last].phase == .completed {
            timeline.steps[last].phase = .failed
        }
        return TaskPlan(
            timeline: timeline, outcome: outcome, expiresAfter: winner?.result?.expiresAfter ?? defaults.expiresAfter,
            resultDelivery: winner?.result?.delivery, resultBytes: winner?.result?.bytes)
    }
}

/// A rule of a loaded scenario, for counting.
private struct RuleKey: Hashable {
    let scenario: Int
    let rule: Int
}

/// The scenarios in force: those from the command line, and those loaded over the admin API,
/// each either global or scoped to one API key. Picks the rule for each request.
package final class ScenarioBook: Sendable {
    private struct Loaded {
        var id: Int
        var scenario: Scenario
        /// Applies only to requests with this key.
        var scope: String?
        var fromCommandLine: Bool
    }

    private struct State {
        var loaded: [Loaded] = [] {
            didSet { reorder() }
        }
        var nextID = 1
        /// How many requests met each rule's conditions (nth and every aside).
        var counters: [RuleKey: Int] = [:]
        /// How many requests each rule decided.
        var applied: [RuleKey: Int] = [:]
        /// Each `chance` rule's draws.
        var draws: [RuleKey: SeededDraws] = [:]
        /// Each quota rule's windows, by key.
        var quotas: [RuleKey: [String: QuotaWindow]] = [:]
        /// Precomputed from `loaded` so that each request does no sorting: scenarios for everyone
        /// (admin-loaded, then command line), those scoped to each key, and whether any has rules.
        var global: [Loaded] = []
        var scoped: [String: [Loaded]] = [:]
        var hasRules = false
        var globalDefaults = Scenario.Defaults()
        var globalPlan: SharedPlan
        let lifecycle: LifecycleDefaults

        init(lifecycle: LifecycleDefaults) {
            self.lifecycle = lifecycle
            globalPlan = SharedPlan(Decision.plan(nil, defaults: .init(), lifecycle: lifecycle))
        }

        mutating func reorder() {
            global = loaded.filter { $0.scope == nil && !$0.fromCommandLine } + loaded.filter(\.fromCommandLine)
            scoped = Dictionary(grouping: loaded.filter { $0.scope != nil }, by: { $0.scope! })
            hasRules = loaded.contains { !$0.scenario.rules.isEmpty }
            globalDefaults = State.merge(global.map(\.scenario.defaults))
            globalPlan = SharedPlan(Decision.plan(nil, defaults: globalDefaults, lifecycle: lifecycle))
        }

        /// The first value of each field, in precedence order.
        static func merge(_ all: [Scenario.Defaults]) -> Scenario.Defaults {
            Scenario.Defaults(
                queued: all.lazy.compactMap(\.queued).first, rendering: all.lazy.compactMap(\.rendering).first,
                expiresAfter: all.lazy.compactMap(\.expiresAfter).first)
        }
    }

    private let state: Locked<State>
    /// Mirrors `State.hasRules`, so that requests can skip the scenarios without taking the lock.
    private let rulesInForce = Atomic<Bool>(false)
    /// Whether any scenario has a `verdict:` section, likewise.
    private let verdictInForce = Atomic<Bool>(false)

    private func publish(_ state: State) {
        rulesInForce.store(state.hasRules, ordering: .releasing)
        verdictInForce.store(state.loaded.contains { $0.scenario.verdict != nil }, ordering: .releasing)
    }

    /// The `verdict:` sections that apply to `key`, weakest first: command-line files, then
    /// those loaded for everyone, then those loaded for the key.
    package func verdictChanges(for key: String) -> [VerdictSettings.Change] {
        guard verdictInForce.load(ordering: .acquiring) else { return [] }
        return state.withLock { state in
            let order =
                state.loaded.filter(\.fromCommandLine) + state.loaded.filter { !$0.fromCommandLine && $0.scope == nil }
                + state.loaded.filter { $0.scope == key }
            return order.compactMap(\.scenario.verdict)
        }
    }

    /// Seeds the `chance:` draws of scenarios that give no `seed:` of their own.
    private let seed: UInt64

    /// With scenarios from the command line, in order; their rules are consulted after any loaded later.
    package init(commandLine: [Scenario] = [], lifecycle: LifecycleDefaults = .init(), seed: UInt64? = nil) {
        self.seed = seed ?? UInt64.random(in: .min ... .max)
        state = Locked(State(lifecycle: lifecycle))
        state.withLock { state in
            for scenario in commandLine {
                state.loaded.append(Loaded(id: state.nextID, scenario: scenario, scope: nil, fromCommandLine: true))
                state.nextID += 1
            }
            publish(state)
        }
    }

    /// The plan of a task no rule shapes: the lifecycle with the scenarios' defaults.
    package var basePlan: SharedPlan { state.withLock { $0.globalPlan } }

    /// Whether any rule is in force (when none is, requests need not be examined).
    package var hasRules: Bool { rulesInForce.load(ordering: .acquiring) }

    /// Replaces the scenario loaded over the admin API for `scope` (a key, or nil for everyone).
    package func load(_ scenario: Scenario, scope: String?) {
        state.withLock { state in
            state.loaded.removeAll { !$0.fromCommandLine && $0.scope == scope }
            state.loaded.append(Loaded(id: state.nextID, scenario: scenario, scope: scope, fromCommandLine: false))
            state.nextID += 1
            publish(state)
        }
    }

    /// Removes what was loaded over the admin API: for one scope, or (nil) all of it.
    package func clear(scope: String?) {
        state.withLock { state in
            state.loaded.removeAll { !$0.fromCommandLine && (scope == nil || $0.scope == scope) }
            publish(state)
        }
    }

    /// Restarts every rule's request count.
    package func resetCounters() {
        state.withLock {
            $0.counters = [:]
            $0.applied = [:]
            $0.draws = [:]
            $0.quotas = [:]
        }
    }

    /// The scenarios that apply to `scope` (nil: all of them), as JSON for the admin API.
    package func describe(scope: String?) -> [ScenarioInfo] {
        state.withLock { state in
            state.loaded.filter { scope == nil || $0.scope == scope || $0.scope == nil }.map { loaded in
                ScenarioInfo(
                    source: loaded.scenario.source, scope: loaded.scope, fromCommandLine: loaded.fromCommandLine,
                    rules: loaded.scenario.rules.enumerated().map { index, rule in
                        ScenarioBook.describe(rule, state: state, key: RuleKey(scenario: loaded.id, rule: index))
                    })
            }
        }
    }

    /// A rule and its counts.
    private static func describe(_ rule: Rule, state: State, key: RuleKey) -> ScenarioInfo.Rule {
        let applied = state.applied[key] ?? 0
        let quota = rule.quota.map { quota in
            let refused = (state.quotas[key] ?? [:]).filter { $0.value.refused > 0 }.mapValues(\.refused)
            return ScenarioInfo.Quota(
                requests: quota.requests, per: quota.per, refused: refused.values.reduce(0, +), refusedByKey: refused)
        }
        return ScenarioInfo.Rule(
            name: rule.name, matched: state.counters[key] ?? 0, applied: applied,
            draws: rule.when.chance == nil ? nil : state.draws[key]?.draws ?? 0, hits: rule.when.chance == nil ? nil : applied,
            quota: quota)
    }

    /// Picks the rule for a request. Every rule whose matching conditions hold counts the
    /// request (so `nth: 3` means the third such request whatever other rules did); the first
    /// rule that applies in full wins. Order: rules for the request's key, global ones loaded
    /// over the admin API, then those from the command line.
    package func decide(_ facts: RequestFacts) -> Decision {
        state.withLock { state in
            let scoped = state.scoped[facts.apiKey] ?? []
            var winner: Rule?
            var reply: Reply?
            if state.hasRules {
                for loaded in [scoped, state.global].joined() {
                    for (index, rule) in loaded.scenario.rules.enumerated() where rule.when.holds(for: facts) {
                        let key = RuleKey(scenario: loaded.id, rule: index)
                        let count = (state.counters[key] ?? 0) + 1
                        state.counters[key] = count
                        guard winner == nil, rule.when.counts(count) else { continue }
                        if let chance = rule.when.chance {
                            let seed = ScenarioBook.seed(loaded.scenario.seed ?? self.seed, rule: index)
                            guard state.draws[key, default: SeededDraws(seed: seed)].next() < chance else { continue }
                        }
                        if let times = rule.when.times, state.applied[key, default: 0] >= times { continue }
                        if let quota = rule.quota {
                            let wait = state.quotas[key, default: [:]][facts.apiKey, default: QuotaWindow()].admit(
                                at: facts.time, quota: quota)
                            guard let wait else { continue }
                            reply = Reply.quotaExceeded(retryAfter: wait)
                        } else {
                            reply = rule.respond
                        }
                        winner = rule
                        state.applied[key, default: 0] += 1
                    }
                }
            }
            if scoped.isEmpty {
                return Decision(
                    winner: winner, reply: reply, defaults: state.globalDefaults, lifecycle: state.lifecycle, defaultPlan: state.globalPlan)
            }
            let defaults = State.merge(scoped.map(\.scenario.defaults) + [state.globalDefaults])
            return Decision(winner: winner, reply: reply, defaults: defaults, lifecycle: state.lifecycle, defaultPlan: nil)
        }
    }

    /// One rule's own seed, so that its draws depend only on the requests that reach it.
    private static func seed(_ seed: UInt64, rule index: Int) -> UInt64 {
        seed ^ (UInt64(index + 1) &* 0x9E37_79B9_7F4A_7C15)
    }
}
