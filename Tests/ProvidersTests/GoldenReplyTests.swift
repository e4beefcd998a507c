import HTTPServer
import JSON
import Testing
import VideoMockCore

@testable import Providers

/// The status replies are written straight into bytes; these are the trees they were built as
/// before, kept as the reference the direct writers must match byte for byte.
enum TreeReplies {
    static func aihubmix(_ provider: AIHubMix, _ s: TaskSnapshot, _ request: ProviderRequest) -> JSON {
        func status(_ phase: TaskPhase, queued: Bool) -> String {
            switch phase {
            case .queued: queued ? "queued" : "in_progress"
            case .unknown: "in_progress"
            default: phase.rawValue
            }
        }
        func error(_ failure: TaskSnapshot.Failure?) -> JSON {
            guard let failure else { return .null }
            return ["message": .string(failure.message), "type": "video_generation_error", "code": .string(failure.code)]
        }
        if provider.catalog.model(s.spec.model)?.shape == .sora {
            return [
                "id": .string(s.id), "object": "video", "created_at": .int(Int(s.createdAt)),
                "status": .string(status(s.phase, queued: true)),
                "model": .string(s.spec.model), "progress": .int(s.progress), "prompt": .string(s.spec.prompt),
                "seconds": .string(String(s.spec.duration)), "size": .string(s.spec.size ?? s.spec.dimensions.description),
                "completed_at": JSON(s.completedAt.map { Int($0) }), "expires_at": JSON(s.expiresAt.map { Int($0) }),
                "remixed_from_video_id": JSON(s.spec.remixOf), "error": error(s.failure),
            ]
        }
        var object: JSONObject = [
            "id": .string(s.id), "object": "video", "created": .int(Int(s.createdAt)), "model": .string(s.spec.model),
            "status": .string(status(s.phase, queued: false)), "prompt": .string(s.spec.prompt), "duration": .int(s.spec.duration),
            "width": .int(s.spec.dimensions.width), "height": .int(s.spec.dimensions.height),
            "url": s.phase == .completed ? .string(request.absoluteURL("/videos/\(s.id)/content")) : .null, "error": error(s.failure),
        ]
        if let expiresAt = s.expiresAt { object["expires_at"] = .int(Int(expiresAt)) }
        return .object(object)
    }

    static func newAPI(_ shape: NewAPITaskShape, _ snapshot: TaskSnapshot, url: String?) -> JSON {
        let spec = snapshot.spec
        var object: JSONObject = [
            "task_id": .string(snapshot.id), "status": .string(shape.words[snapshot.phase] ?? snapshot.phase.rawValue),
        ]
        if shape.reportsProgress { object["progress"] = .int(snapshot.progress) }
        object["url"] = JSON(url)
        object["format"] = "mp4"
        object["metadata"] = [
            "duration": .int(spec.duration), "fps": .int(spec.fps), "width": .int(spec.dimensions.width),
            "height": .int(spec.dimensions.height), "seed": spec.parameters["seed"] ?? .null,
        ]
        object["error"] = snapshot.failure.map { ["code": .string($0.code), "message": .string($0.message)] } ?? .null
        return .object(object)
    }
}

@Suite("Replies written directly match the trees they replace")
struct GoldenReplyTests {
    /// Tasks of every model of `provider`'s catalog in random states: random prompts (quotes,
    /// newlines, non-ASCII), sizes, lengths, outcomes, remixes, and a clock moved to a random moment.
    static func tasks(_ provider: any Provider, _ engine: Engine, seed: UInt64) -> [TaskSnapshot] {
        var random = SplitMix64(seed: seed)
        let prompts = [
            "a calm lake", "quote \" and \\ backslash", "line\nbreak\ttab", "日本語のプロンプト", "", "emoji 🎬 \u{1}",
        ]
        var snapshots: [TaskSnapshot] = []
        for model in provider.catalog.models {
            for round in 0..<6 {
                let key = "k\(round)"
                let dimensions = model.listedDimensions.randomElement(using: &random) ?? Dimensions(width: 1280, height: 720)
                var parameters: JSONObject = [:]
                if Bool.random(using: &random) { parameters["seed"] = .int(Int.random(in: 0..<4_294_967_295, using: &random)) }
                let spec = TaskSpec(
                    model: model.id, prompt: prompts[round % prompts.count], duration: Int.random(in: -1...20, using: &random),
                    size: Bool.random(using: &random) ? dimensions.description : nil, dimensions: dimensions,
                    fps: [24, 30, 60].randomElement(using: &random)!, hasAudio: Bool.random(using: &random), parameters: parameters,
                    remixOf: round == 3 ? "video_source" : nil, shape: model.shape)
                let outcome: Outcome = round % 2 == 0 ? .complete : .fail(code: "content_policy_violation", message: "Refused \"here\"")
                let plan = SharedPlan(TaskPlan(timeline: .standard(queued: 1, rendering: 4, outcome: outcome), outcome: outcome))
                let created = engine.create(provider: provider.name, owner: key, spec: spec, model: model, plan: plan) { code in
                    var token = Array("task_\(model.id)_\(round)_".utf8)
                    code.append(to: &token)
                    return String(decoding: token, as: UTF8.self)
                }
                engine.clock.advance(by: Double.random(in: 0...8, using: &random), for: key)
                snapshots.append(created)
                if let read = try? engine.retrieve(provider: provider.name, owner: key, id: created.id) { snapshots.append(read) }
            }
        }
        return snapshots
    }

    static func request(_ provider: any Provider) -> ProviderRequest {
        ProviderRequest(
            http: HTTPRequest(method: "GET", target: "/", headers: ["Host": "mock.test:8080"]), apiKey: "k",
            basePath: "/\(provider.name)/v1")
    }

    static func bytes(_ response: HTTPResponse) -> [UInt8] {
        response.body.bytes ?? []
    }

    @Test("AIHubMix: the Sora and the generic shape, every model", arguments: 0..<4)
    func aihubmix(_ run: Int) throws {
        let engine = try makeEngine()
        let provider = try AIHubMix(tasks: engine)
        let request = Self.request(provider)
        for task in Self.tasks(provider, engine, seed: UInt64(run)) {
            let direct = Self.bytes(provider.videoResponse(task, request))
            #expect(direct == TreeReplies.aihubmix(provider, task, request).bytes, "\(task.spec.model) \(task.phase)")
        }
    }

    @Test("Mixroute and Amux: the new-api task shape, every model", arguments: 0..<4)
    func newAPI(_ run: Int) throws {
        let engine = try makeEngine()
        let mixroute = try Mixroute(tasks: engine), amux = try Amux(tasks: engine)
        for task in Self.tasks(mixroute, engine, seed: UInt64(run)) {
            let request = Self.request(mixroute)
            let shape = Mixroute.shapes[mixroute.options(of: task.spec.model).submitStatus]!
            let url = try mixroute.resultURL(task, request)
            #expect(Self.bytes(try mixroute.shown(task, request)) == TreeReplies.newAPI(shape, task, url: url).bytes)
        }
        for task in Self.tasks(amux, engine, seed: UInt64(run)) {
            let request = Self.request(amux)
            let url = task.phase == .completed ? request.absoluteURL("/video/generations/\(task.id)/content") : nil
            #expect(Self.bytes(amux.shown(task, request)) == TreeReplies.newAPI(Amux.shape, task, url: url).bytes)
        }
    }
}

/// A seeded generator, so that a failing state can be found again.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
