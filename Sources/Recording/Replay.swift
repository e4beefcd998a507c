import AdminContract
import JSON
import Locking
import Media
import VideoMockCore

/// A recording served again: each recorded create and the life of the task it made, and the
/// refusals the gateway answered. A create that matches a recorded one gets a new task that
/// lives the recorded task's life.
///
/// Matching (same provider and endpoint), in this order, each step preferring a recording not
/// yet used: (1) the same body; (2) the same model and parameters with any prompt; (3) the next
/// unused recording of the same model. Recordings of the same request are used in recorded
/// order, so a recorded 429 and then the 200 of its retry replay as they happened.
package final class Replay: Sendable {
    package enum Pace: String, Sendable { case time, polls }

    /// A recorded create and the status reads of its task that followed.
    package struct Lifecycle: Sendable {
        package let create: RecordedExchange
        package let reads: [RecordedExchange]
        /// The video, as its download was recorded.
        package let movie: MovieFacts?

        package var recordedID: String { create.task ?? "" }
    }

    /// What a create is answered with.
    package enum Match: Sendable {
        case lifecycle(Int)
        case refusal(RecordedExchange)
    }

    private struct Candidate: Sendable {
        let exchange: RecordedExchange
        let fields: JSONObject
        let lifecycle: Int?
    }

    /// A task made from a recording.
    package struct Replayed: Sendable {
        package let lifecycle: Int
        package let createdAt: Double
        package var reads = 0
        /// Where the video differs from the recording (a size without frames, a fractional frame rate).
        package let notes: [String]
    }

    private struct State {
        var used: Set<Int> = []
        var matched = 0
        var missed = 0
        var refusals = 0
        var tasks: [String: Replayed] = [:]
        var misses: [ReplaySummary.Miss] = []
    }

    package let pace: Pace
    package let file: String
    package let lifecycles: [Lifecycle]
    private let candidates: [Candidate]
    private let state = Locked(State())

    package init(file: String, exchanges: [RecordedExchange], pace: Pace) {
        self.file = file
        self.pace = pace
        var lifecycles: [Lifecycle] = []
        var candidates: [Candidate] = []
        for (index, exchange) in exchanges.enumerated() where exchange.endpoint == "create" || exchange.endpoint == "remix" {
            var lifecycle: Int?
            if (200..<300).contains(exchange.status), let id = exchange.task {
                let later = exchanges[(index + 1)...].filter { $0.task == id && $0.provider == exchange.provider }
                let movie = later.lazy.compactMap { $0.responseBody?["media"]?["mp4"] }.first.flatMap(Self.movie)
                lifecycles.append(Lifecycle(create: exchange, reads: later.filter { $0.endpoint == "retrieve" }, movie: movie))
                lifecycle = lifecycles.count - 1
            }
            candidates.append(Candidate(exchange: exchange, fields: Self.fields(of: exchange.requestBody), lifecycle: lifecycle))
        }
        self.lifecycles = lifecycles
        self.candidates = candidates
    }

    private static func movie(_ json: JSON) -> MovieFacts? {
        guard let seconds = json["seconds"]?.number, let width = json["width"]?.int, let height = json["height"]?.int,
            let fps = json["fps"]?.number
        else { return nil }
        return MovieFacts(seconds: seconds, width: width, height: height, fps: fps, hasAudio: json["audio"]?.bool ?? false)
    }

    /// A recorded body's fields as a live request's are read: a form's files as
    /// `{"filename","content_type","size"}`.
    private static func fields(of body: JSON?) -> JSONObject {
        if let object = body?["json"]?.object { return object }
        guard let parts = body?["multipart"]?.array else { return [:] }
        var fields = JSONObject()
        for part in parts {
            guard let name = part["name"]?.string else { continue }
            if let value = part["value"]?.string {
                fields[name] = .string(value)
            } else {
                fields[name] = [
                    "filename": .string(part["filename"]?.string ?? name), "content_type": part["content_type"] ?? .null,
                    "size": part["size"] ?? .null,
                ]
            }
        }
        return fields
    }

    // MARK: Matching

    /// The recording a create is answered from; nil when none matches (counted as a miss).
    package func match(provider: String, endpoint: String, fields: JSONObject) -> Match? {
        let same = candidates.indices.filter {
            candidates[$0].exchange.provider == provider && candidates[$0].exchange.endpoint == endpoint
        }
        var withoutPrompt = fields
        withoutPrompt["prompt"] = nil
        let steps: [(Int) -> Bool] = [
            { self.candidates[$0].fields == fields },
            {
                var other = self.candidates[$0].fields; other["prompt"] = nil; return other == withoutPrompt
            },
            { self.candidates[$0].fields["model"] == fields["model"] },
        ]
        return state.withLock { state in
            for (step, matches) in steps.enumerated() {
                let found = same.filter(matches)
                // The last step takes only recordings not used yet.
                guard let chosen = found.first(where: { !state.used.contains($0) }) ?? (step < 2 ? found.last : nil) else { continue }
                state.used.insert(chosen)
                let candidate = candidates[chosen]
                if let lifecycle = candidate.lifecycle {
                    state.matched += 1
                    return .lifecycle(lifecycle)
                }
                state.refusals += 1
                return .refusal(candidate.exchange)
            }
            state.missed += 1
            state.misses.append(ReplaySummary.Miss(provider: provider, endpoint: endpoint, model: fields["model"]?.string))
            if state.misses.count > 100 { state.misses.removeFirst() }
            return nil
        }
    }

    /// The recording nearest to a request that matched none: of the same provider and endpoint,
    /// the one sharing most field values.
    package func closest(provider: String, endpoint: String, fields: JSONObject) -> String {
        let same = candidates.filter { $0.exchange.provider == provider && $0.exchange.endpoint == endpoint }
        guard
            let best = same.max(by: { a, b in
                a.fields.filter { fields[$0.key] == $0.value }.count < b.fields.filter { fields[$0.key] == $0.value }.count
            })
        else { return "the recording has no \(endpoint) for \(provider)" }
        let model = best.fields["model"]?.string.map { " of model \($0)" } ?? ""
        return "the closest recording is \(best.exchange.method) \(best.exchange.path)\(model) (task \(best.exchange.task ?? "none"))"
    }

    // MARK: Lives

    /// The plan a replayed task follows: the recorded states, each entered when it was first
    /// seen (by time, or by read count), and the recorded video; with notes where the video
    /// cannot be as recorded.
    package func plan(for index: Int, sizes: Set<Dimensions>, phase: (RecordedExchange) -> TaskPhase?) -> (TaskPlan, notes: [String]) {
        let lifecycle = lifecycles[index]
        var runs: [(phase: TaskPhase, start: Double, reads: Int)] = [(phase(lifecycle.create) ?? .queued, 0, 0)]
        for read in lifecycle.reads {
            let seen = phase(read) ?? runs[runs.count - 1].phase
            if seen == runs[runs.count - 1].phase {
                runs[runs.count - 1].reads += 1
            } else {
                runs.append((seen, max(0, read.time - lifecycle.create.time), 1))
            }
        }
        let steps = runs.indices.map { index -> Timeline.Step in
            guard index + 1 < runs.count else { return Timeline.Step(phase: runs[index].phase) }
            return pace == .polls
                ? Timeline.Step(phase: runs[index].phase, polls: runs[index].reads)
                : Timeline.Step(phase: runs[index].phase, seconds: runs[index + 1].start - runs[index].start)
        }
        let outcome: Outcome = runs.last?.phase == .failed ? .fail(code: "replayed_failure", message: "Failed, as recorded.") : .complete
        var plan = TaskPlan(timeline: Timeline(steps: steps), outcome: outcome)
        var notes: [String] = []
        if let movie = lifecycle.movie {
            var size = Dimensions(width: movie.width, height: movie.height)
            if !sizes.contains(size), let nearest = Self.nearest(size, in: sizes) {
                notes.append("the recorded size \(size) has no frames; the video is \(nearest)")
                size = nearest
            }
            let fps = Int(movie.fps.rounded())
            if Double(fps) != movie.fps { notes.append("the recorded frame rate \(movie.fps) is rounded to \(fps)") }
            plan.media = MediaOverride(
                seconds: max(1, Int(movie.seconds.rounded())), dimensions: size, fps: max(1, fps), hasAudio: movie.hasAudio)
        }
        return (plan, notes)
    }

    /// The size with frames closest in shape, then in area.
    static func nearest(_ size: Dimensions, in sizes: Set<Dimensions>) -> Dimensions? {
        let ratio = Double(size.width) / Double(max(1, size.height))
        return sizes.min { a, b in
            let key = { (d: Dimensions) in
                (abs(Double(d.width) / Double(max(1, d.height)) - ratio), abs(d.width * d.height - size.width * size.height))
            }
            return key(a) < key(b)
        }
    }

    package func begin(task id: String, lifecycle: Int, createdAt: Double, notes: [String]) {
        state.withLock { $0.tasks[id] = Replayed(lifecycle: lifecycle, createdAt: createdAt, notes: notes) }
    }

    package func replayed(_ id: String) -> Replayed? { state.withLock { $0.tasks[id] } }

    /// The recorded status reply a read of task `id` gets now (counting the read): the last one
    /// recorded at or before the task's age (offsets times `timeScale`), or the read's own.
    package func read(task id: String, now: Double, timeScale: Double) -> (RecordedExchange, Lifecycle)? {
        state.withLock { state -> (RecordedExchange, Lifecycle)? in
            guard var task = state.tasks[id] else { return nil }
            let lifecycle = lifecycles[task.lifecycle]
            task.reads += 1
            state.tasks[id] = task
            guard !lifecycle.reads.isEmpty else { return nil }
            switch pace {
            case .polls:
                return (lifecycle.reads[min(task.reads, lifecycle.reads.count) - 1], lifecycle)
            case .time:
                let age = now - task.createdAt
                let shown = lifecycle.reads.last { ($0.time - lifecycle.create.time) * timeScale <= age + 1e-6 }
                // Before the first recorded read's offset, that read: the task is still in its first state.
                return ((shown ?? lifecycle.reads.first)!, lifecycle)
            }
        }
    }

    /// What `GET /__admin/replay` answers.
    package var summary: ReplaySummary {
        state.withLock { state in
            ReplaySummary(
                file: file, by: pace.rawValue, recordedCreates: candidates.count, lifecycles: lifecycles.count, matched: state.matched,
                refusedAsRecorded: state.refusals, missed: state.missed, misses: state.misses,
                tasks: state.tasks.sorted { $0.value.createdAt < $1.value.createdAt }.map { id, task in
                    ReplaySummary.Task(
                        id: id, recordedId: lifecycles[task.lifecycle].recordedID, reads: task.reads,
                        recordedReads: lifecycles[task.lifecycle].reads.count, notes: task.notes)
                })
        }
    }
}
