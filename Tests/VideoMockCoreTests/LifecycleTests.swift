import JSON
import Testing

@testable import VideoMockCore

func record(_ timeline: Timeline, outcome: Outcome = .complete, createdAt: Double = 1000) -> TaskRecord {
    TaskRecord(
        id: "t", provider: .aihubmix, owner: "k", sequence: 1,
        spec: TaskSpec(model: "m", prompt: "p", duration: 4, size: nil, dimensions: .init(width: 1, height: 1), hasAudio: false),
        createdAt: createdAt, timeline: timeline, outcome: outcome, expiresAfter: 86400)
}

@Suite("Task lifecycle")
struct LifecycleTests {
    @Test("status, progress and times are derived from the clock")
    func timeDriven() {
        var task = record(.standard(queued: 1, rendering: 4))
        #expect(task.observe(now: 1000.5, timeScale: 1, isPoll: true).phase == .queued)
        let rendering = task.observe(now: 1002, timeScale: 1, isPoll: true)
        #expect(rendering.phase == .inProgress)
        #expect(rendering.progress == 25)
        #expect(rendering.secondsUntilChange == 3)
        let done = task.observe(now: 1100, timeScale: 1, isPoll: true)
        #expect(done.phase == .completed)
        #expect(done.progress == 100)
        #expect(done.completedAt == 1005)
        #expect(done.expiresAt == 87400.0)
        #expect(!done.isExpired)
        #expect(task.observe(now: 87405, timeScale: 1, isPoll: false).isExpired)
    }

    @Test("the time scale multiplies lifecycle durations")
    func scaled() {
        var task = record(.standard(queued: 1, rendering: 4))
        #expect(task.observe(now: 1004, timeScale: 10, isPoll: true).phase == .queued)
        #expect(task.observe(now: 1049, timeScale: 10, isPoll: true).phase == .inProgress)
        #expect(task.observe(now: 1050, timeScale: 10, isPoll: true).phase == .completed)
        var instant = record(.standard(queued: 1, rendering: 4))
        #expect(instant.observe(now: 1000, timeScale: 0, isPoll: true).phase == .completed)
    }

    @Test("poll-held steps advance with status reads, not time")
    func pollDriven() {
        var task = record(
            Timeline(steps: [.init(phase: .queued, polls: 1), .init(phase: .inProgress, polls: 2), .init(phase: .completed)]))
        #expect(task.observe(now: 1000, timeScale: 1, isPoll: false).phase == .queued)
        #expect(task.observe(now: 1000, timeScale: 1, isPoll: true).phase == .queued)
        let first = task.observe(now: 1000, timeScale: 1, isPoll: true)
        #expect(first.phase == .inProgress)
        #expect(first.progress == 0)
        #expect(task.observe(now: 1000, timeScale: 1, isPoll: true).progress == 50)
        #expect(task.observe(now: 1000, timeScale: 1, isPoll: true).phase == .completed)
    }

    @Test("a failing outcome ends in failed with its code and message, and no expiry")
    func failure() {
        var task = record(
            .standard(queued: 0, rendering: 1, outcome: .fail(code: "content_policy_violation", message: "no")),
            outcome: .fail(code: "content_policy_violation", message: "no"))
        let failed = task.observe(now: 1002, timeScale: 1, isPoll: true)
        #expect(failed.phase == .failed)
        #expect(failed.failure == .init(code: "content_policy_violation", message: "no"))
        #expect(failed.expiresAt == nil)
    }

    @Test("forcing ends a task at once")
    func force() {
        var task = record(.standard(queued: 100, rendering: 100))
        task.force(.complete, now: 1001)
        let done = task.observe(now: 1001, timeScale: 1, isPoll: true)
        #expect(done.phase == .completed)
        #expect(done.completedAt == 1001)
    }
}

@Suite("Task store")
struct TaskStoreTests {
    /// An id carrying `slot`, as providers make them.
    static func id(_ slot: Int, tag: UInt32 = 7) -> String {
        var token = Array("task-".utf8)
        SlotCode(slot: slot, tag: tag).append(to: &token)
        return String(decoding: token, as: UTF8.self)
    }

    @Test("keeps tasks apart by provider and owner, and lists in creation order")
    func ownership() {
        let store = TaskStore()
        var ids: [String] = []
        for _ in 0..<3 { ids.append(store.insert { slot, _ in record(.standard(queued: 1, rendering: 1)).renamed(Self.id(slot)) }.id) }
        let a = ids[0]
        #expect(store.update(id: a[...], provider: .aihubmix, owner: "k") { $0.id } == a)
        #expect(store.update(id: a[...], provider: .aihubmix, owner: "other") { $0.id } == nil)
        #expect(store.update(id: a[...], provider: .mixroute, owner: "k") { $0.id } == nil)
        let page = store.list(provider: .aihubmix, owner: "k", after: nil, limit: 2, ascending: false) {
            $0.observe(now: 0, timeScale: 1, isPoll: false)
        }
        #expect(page?.tasks.map(\.id) == [ids[2], ids[1]])
        #expect(page?.hasMore == true)
        #expect(
            store.list(provider: .aihubmix, owner: "k", after: "zzz", limit: 2, ascending: false) {
                $0.observe(now: 0, timeScale: 1, isPoll: false)
            } == nil)
    }

    @Test("an id finds its task by the slot it carries, and only with the same check tag")
    func slotCodes() {
        let store = TaskStore()
        let first = store.insert { slot, _ in record(.standard(queued: 1, rendering: 1)).renamed(Self.id(slot, tag: 1)) }
        #expect(SlotCode(id: first.id) == SlotCode(slot: 0, tag: 1))
        // The same slot with another tag, a slot never given and text that is not a code find nothing.
        #expect(store.update(id: Self.id(0, tag: 2)[...], provider: nil, owner: nil) { $0.id } == nil)
        #expect(store.update(id: Self.id(5)[...], provider: nil, owner: nil) { $0.id } == nil)
        #expect(store.update(id: "task-", provider: nil, owner: nil) { $0.id } == nil)
        // Once the key is forgotten its slot is taken again, and the old id does not find the new task.
        store.removeAll(owner: "k")
        let second = store.insert { slot, _ in record(.standard(queued: 1, rendering: 1)).renamed(Self.id(slot, tag: 3)) }
        #expect(SlotCode(id: second.id)?.slot == 0)
        #expect(store.update(id: first.id[...], provider: nil, owner: nil) { $0.id } == nil)
        #expect(store.update(id: second.id[...], provider: nil, owner: nil) { $0.id } == second.id)
    }

    @Test("slot codes read back what was written, for any slot and tag, inside opaque ids too")
    func slotCodeRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let code = SlotCode(slot: Int(UInt32.random(in: 0...UInt32.max, using: &generator)), tag: .random(in: 0...UInt32.max))
            var token: [UInt8] = []
            code.append(to: &token)
            #expect(token.count == SlotCode.length)
            #expect(token.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) })
            #expect(SlotCode(id: String(decoding: token, as: UTF8.self)) == code)
            for pad in 0..<3 {
                let inner =
                    #"{"model":"sora-2\#(String(repeating: "x", count: pad))","id":"abcd\#(String(decoding: token, as: UTF8.self))"}"#
                #expect(SlotCode(id: Base64.encode(Array(inner.utf8), urlSafe: true, padding: false)) == code)
            }
        }
    }

    @Test("concurrent inserts and reads lose nothing")
    func concurrency() async {
        let store = TaskStore()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<500 {
                        let id = store.insert { slot, _ in record(.standard(queued: 1, rendering: 1)).renamed(Self.id(slot)) }.id
                        #expect(store.update(id: id[...], provider: nil, owner: nil) { $0.id } == id)
                    }
                }
            }
        }
        #expect(store.count == 4000)
    }
}

extension TaskRecord {
    func renamed(_ id: String) -> TaskRecord {
        TaskRecord(
            id: id, provider: provider, owner: owner, sequence: sequence, spec: spec, createdAt: createdAt, timeline: timeline,
            outcome: outcome, expiresAfter: expiresAfter)
    }
}

@Suite("Task specs")
struct TaskSpecTests {
    @Test("a spec knows whether its model, prompt and size go into JSON unescaped, also after a change")
    func plainText() {
        var spec = TaskSpec(
            model: "sora-2", prompt: "a calm lake", duration: 4, size: "1280x720", dimensions: .init(width: 1280, height: 720),
            hasAudio: false)
        #expect(spec.isPlainText)
        for text in ["quote \"", "back\\slash", "line\nbreak", "tab\t", "\u{1}"] {
            spec.prompt = text
            #expect(!spec.isPlainText, "\(text)")
            spec.prompt = "plain again"
            #expect(spec.isPlainText)
            spec.size = text
            #expect(!spec.isPlainText, "\(text)")
            spec.size = nil
            spec.model = text
            #expect(!spec.isPlainText, "\(text)")
            spec.model = "sora-2"
            #expect(spec.isPlainText)
        }
        // Non-ASCII text is written as it is.
        spec.prompt = "日本語 🎬"
        #expect(spec.isPlainText)
    }

    @Test("a spec's prompt and parameters, kept in one buffer, each read back as set, whichever changes")
    func promptAndParameters() {
        var spec = TaskSpec(
            model: "sora-2", prompt: "a drone shot over misty mountains, take 000001", duration: 8, size: "1280x720",
            dimensions: .init(width: 1280, height: 720), hasAudio: false,
            parameters: ["seconds": "8", "size": "1280x720", "seed": 7, "prompt": "left out"])
        #expect(spec.prompt == "a drone shot over misty mountains, take 000001")
        #expect(spec.parameters == ["seconds": "8", "size": "1280x720", "seed": 7])
        #expect(spec.seed == 7)
        spec.prompt = "短い"
        #expect(spec.prompt == "短い")
        #expect(spec.withPromptUTF8 { Array($0) } == Array("短い".utf8))
        #expect(spec.parameters == ["seconds": "8", "size": "1280x720", "seed": 7])
        spec.parameters = [:]
        #expect(spec.prompt == "短い")
        #expect(spec.parameters == [:])
        #expect(spec.seed == nil)
        spec.parameters = ["n": 2]
        spec.prompt = ""
        #expect(spec.prompt == "")
        #expect(spec.parameters == ["n": 2])
    }
}
