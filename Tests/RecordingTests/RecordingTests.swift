import JSON
import Testing
import Upstream
import VideoMockCore

@testable import Recording

@Suite("Recording: what is written, and what is kept out")
struct RecordingTests {
    @Test("credentials are redacted in headers, queries, bodies and signed URLs")
    func redaction() {
        let fields: [(name: String, value: String)] = [
            ("Authorization", "Bearer sk-1"), ("X-Api-Key", "k"), ("Content-Type", "application/json"), ("X-Session-Token", "t"),
        ]
        let headers = BodyDescription.headers(fields)
        #expect(
            headers == [
                "Authorization": "[redacted]", "X-Api-Key": "[redacted]", "Content-Type": "application/json",
                "X-Session-Token": "[redacted]",
            ])
        #expect(Redaction.query("key=abc&model=sora-2&api_key=x") == "key=[redacted]&model=sora-2&api_key=[redacted]")
        let signed = "https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Credential=AKIA%2F1&X-Amz-Date=20261206&X-Amz-Signature=ff00"
        #expect(
            Redaction.urls(in: signed)
                == "https://bucket.s3.amazonaws.com/v.mp4?X-Amz-Credential=[redacted]&X-Amz-Date=20261206&X-Amz-Signature=[redacted]")
        #expect(
            Redaction.urls(in: "https://oss.example/v.mp4?OSSAccessKeyId=LT&Expires=1&Signature=s")
                == "https://oss.example/v.mp4?OSSAccessKeyId=[redacted]&Expires=1&Signature=[redacted]")
        let body = BodyDescription.describe(
            Array(#"{"model":"m","api_key":"sk","nested":{"token":"t","auth":"Bearer x"}}"#.utf8),
            contentType: "application/json")
        #expect(body == ["json": ["model": "m", "api_key": "[redacted]", "nested": ["token": "[redacted]", "auth": "[redacted]"]]])
    }

    @Test("a form's text fields are kept and its files described by type, size and SHA-256")
    func multipart() {
        let form =
            "--b\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nsora-2\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"input_reference\"; filename=\"a.png\"\r\n"
            + "Content-Type: image/png\r\n\r\nabc\r\n--b--\r\n"
        let body = BodyDescription.describe(Array(form.utf8), contentType: "multipart/form-data; boundary=b")
        #expect(
            body == [
                "multipart": [
                    ["name": "model", "value": "sora-2"],
                    [
                        "name": "input_reference", "filename": "a.png", "content_type": "image/png", "size": 3,
                        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                    ],
                ]
            ])
    }

    @Test("an exchange reads back as it was written")
    func roundTrip() throws {
        let exchange = RecordedExchange(
            time: 1_796_562_253.358, provider: "aihubmix", endpoint: "create", method: "POST", path: "/aihubmix/v1/videos", query: nil,
            task: "video_1", requestHeaders: ["Content-Type": "application/json"], requestBody: ["json": ["model": "sora-2"]], status: 200,
            responseHeaders: ["openai-poll-after-ms": "1000"], responseBody: ["json": ["id": "video_1", "status": "queued"]])
        let line = exchange.json
        #expect(line["time"] == "2026-12-06T13:04:13.358Z")
        #expect(try RecordedExchange(json: JSON.parse(line.bytes)) == exchange)
        #expect(throws: RecordingError.self) { try RecordedExchange(json: ["provider": "aihubmix"]) }
    }

    @Test("gzip bodies decode, and damaged ones do not")
    func gzipped() {
        // `printf 'hello' | gzip -n`
        let coded: [UInt8] = [31, 139, 8, 0, 0, 0, 0, 0, 0, 3, 203, 72, 205, 201, 201, 7, 0, 134, 166, 16, 54, 5, 0, 0, 0]
        #expect(gunzip(coded) == Array("hello".utf8))
        #expect(gunzip(Array(coded.prefix(12))) == nil)
        #expect(gunzip(coded, limit: 3) == nil)
    }

    @Test("upstream URLs: scheme, host, port and base path")
    func upstreamURLs() throws {
        let url = try #require(UpstreamURL("https://aihubmix.com"))
        #expect(url.isTLS && url.host == "aihubmix.com" && url.port == 443 && url.basePath == "" && url.authority == "aihubmix.com")
        let local = try #require(UpstreamURL("http://127.0.0.1:9000/aihubmix/"))
        #expect(
            !local.isTLS && local.port == 9000 && local.basePath == "/aihubmix" && local.description == "http://127.0.0.1:9000/aihubmix")
        #expect(UpstreamURL("http://[::1]:8080")?.authority == "[::1]:8080")
        #expect(UpstreamURL("ftp://x") == nil && UpstreamURL("http://:80") == nil && UpstreamURL("http://h:99999") == nil)
    }
}

@Suite("Drift: structure, not values")
struct StructureDiffTests {
    @Test("field names at every depth, types and enumeration words; other values never")
    func differences() {
        let recorded: JSON = ["id": "a", "status": "running", "progress": 40, "data": ["url": "x", "items": [["n": 1]]], "eta": 3]
        let emulated: JSON = ["id": "b", "status": "in_progress", "progress": 41.5, "data": ["url": 7, "items": [["n": 1, "m": true]]]]
        #expect(
            Set(StructureDiff.compare(recorded, emulated)) == [
                Difference(.word, "status", recorded: "running", videoMock: "in_progress"),
                Difference(.type, "data.url", recorded: "string", videoMock: "number"),
                Difference(.extraField, "data.items[].m", recorded: "", videoMock: "boolean"),
                Difference(.missingField, "eta", recorded: "number", videoMock: ""),
            ])
        #expect(StructureDiff.compare(["a": [1, 2]], ["a": []]) == [])
    }
}

@Suite("Replay: matching and lives")
struct ReplayTests {
    static func create(_ index: Int, body: JSON, status: Int = 200, at time: Double) -> RecordedExchange {
        RecordedExchange(
            time: time, provider: "aihubmix", endpoint: "create", method: "POST", path: "/aihubmix/v1/videos", query: nil,
            task: status == 200 ? "video_\(index)" : nil, requestHeaders: [:], requestBody: ["json": body], status: status,
            responseHeaders: [:],
            responseBody: ["json": status == 200 ? ["id": .string("video_\(index)"), "status": "queued"] : ["error": [:]]])
    }

    static func read(_ index: Int, _ status: String, at time: Double) -> RecordedExchange {
        RecordedExchange(
            time: time, provider: "aihubmix", endpoint: "retrieve", method: "GET", path: "/aihubmix/v1/videos/video_\(index)", query: nil,
            task: "video_\(index)", requestHeaders: [:], requestBody: nil, status: 200, responseHeaders: [:],
            responseBody: ["json": ["id": .string("video_\(index)"), "status": .string(status), "created_at": 1_000_000_000]])
    }

    @Test("exact body, then any prompt, then the next unused of the model; refusals in recorded order")
    func matching() {
        let a: JSON = ["model": "sora-2", "prompt": "a", "seconds": "4"]
        let replay = Replay(
            file: "f",
            exchanges: [
                Self.create(0, body: a, status: 429, at: 0), Self.create(1, body: a, at: 1),
                Self.create(2, body: ["model": "sora-2", "prompt": "b", "seconds": "8"], at: 2),
                Self.create(3, body: ["model": "sora-2-pro", "prompt": "c"], at: 3),
            ], pace: .time)
        func match(_ body: JSON) -> String {
            switch replay.match(provider: "aihubmix", endpoint: "create", fields: body.object!) {
            case .refusal(let exchange)?: "refusal \(exchange.status)"
            case .lifecycle(let index)?: replay.lifecycles[index].recordedID
            case nil: "miss"
            }
        }
        #expect(match(a) == "refusal 429")
        #expect(match(a) == "video_1")
        #expect(match(a) == "video_1")  // a used exact match serves again
        #expect(match(["model": "sora-2", "prompt": "other", "seconds": "8"]) == "video_2")
        #expect(match(["model": "sora-2-pro", "prompt": "z", "seconds": "12"]) == "video_3")
        #expect(match(["model": "sora-2-pro", "prompt": "z", "seconds": "4"]) == "miss")  // no unused one left
        #expect(match(["model": "veo-3"]) == "miss")
        #expect(
            replay.closest(provider: "aihubmix", endpoint: "create", fields: ["model": "veo-3", "prompt": "c"]).contains("model sora-2-pro")
        )
        #expect(replay.summary.missed == 2 && replay.summary.matched == 4)
        #expect(replay.summary.misses.map(\.model) == ["sora-2-pro", "veo-3"])
    }

    @Test("a replayed life: states entered when first seen, by time or by reads; replies by age or read count")
    func lives() throws {
        let exchanges = [
            Self.create(0, body: ["model": "sora-2"], at: 100), Self.read(0, "queued", at: 101), Self.read(0, "in_progress", at: 103),
            Self.read(0, "in_progress", at: 104), Self.read(0, "completed", at: 110),
        ]
        let byTime = Replay(file: "f", exchanges: exchanges, pace: .time)
        let (plan, notes) = byTime.plan(for: 0, sizes: [], phase: RecordedReplies.phase(of:))
        #expect(
            plan.timeline.steps == [.init(phase: .queued, seconds: 3), .init(phase: .inProgress, seconds: 7), .init(phase: .completed)])
        #expect(notes.isEmpty && plan.media == nil)
        byTime.begin(task: "new", lifecycle: 0, createdAt: 500, notes: [])
        let status = { (now: Double) in RecordedReplies.statusWord(in: byTime.read(task: "new", now: now, timeScale: 0.5)?.0.responseJSON) }
        #expect(status(500) == "queued" && status(501.6) == "in_progress" && status(505) == "completed")
        let byPolls = Replay(file: "f", exchanges: exchanges, pace: .polls)
        #expect(
            byPolls.plan(for: 0, sizes: [], phase: RecordedReplies.phase(of:)).0.timeline.steps
                == [.init(phase: .queued, polls: 1), .init(phase: .inProgress, polls: 2), .init(phase: .completed)])
        byPolls.begin(task: "new", lifecycle: 0, createdAt: 0, notes: [])
        let reads = (0..<6).map { _ in RecordedReplies.statusWord(in: byPolls.read(task: "new", now: 0, timeScale: 1)?.0.responseJSON) }
        #expect(reads == ["queued", "in_progress", "in_progress", "completed", "completed", "completed"])
    }

    @Test("the recorded video: a size without frames becomes the nearest one, a fractional rate a whole one")
    func media() {
        var download = Self.read(0, "completed", at: 120)
        download.endpoint = "content"
        download.responseBody = ["media": ["mp4": ["seconds": 5.005, "width": 1920, "height": 1088, "fps": 29.97, "audio": true]]]
        let replay = Replay(file: "f", exchanges: [Self.create(0, body: [:], at: 100), download], pace: .time)
        let sizes: Set<Dimensions> = [
            Dimensions(width: 1920, height: 1080), Dimensions(width: 1280, height: 720), Dimensions(width: 1080, height: 1920),
        ]
        let (plan, notes) = replay.plan(for: 0, sizes: sizes, phase: RecordedReplies.phase(of:))
        #expect(plan.media == MediaOverride(seconds: 5, dimensions: Dimensions(width: 1920, height: 1080), fps: 30, hasAudio: true))
        #expect(
            notes == [
                "the recorded size 1920x1088 has no frames; the video is 1920x1080", "the recorded frame rate 29.97 is rounded to 30",
            ])
    }

    @Test("a recorded reply speaks of the new task: id, times moved, prompt and links VideoMock's")
    func rewrite() {
        let recorded: JSON = [
            "id": "video_9", "created_at": 1_000_000_000, "prompt": "old", "url": "https://gw/video_9.mp4?sig=1",
            "meta": ["task": "video_9", "finished_ms": 1_000_000_005_000], "finished_time": 1_000_000_100.5,
        ]
        let emulated: JSON = ["id": "vm_1", "prompt": "new", "url": "http://127.0.0.1/aihubmix/v1/videos/vm_1/content"]
        let rewritten = RecordedReplies.rewrite(recorded, emulated: emulated, recordedID: "video_9", newID: "vm_1", shift: 10)
        #expect(
            rewritten == [
                "id": "vm_1", "created_at": 1_000_000_010, "prompt": "new", "url": "http://127.0.0.1/aihubmix/v1/videos/vm_1/content",
                "meta": ["task": "vm_1", "finished_ms": 1_000_000_005_000], "finished_time": 1_000_000_110.5,
            ])
    }
}
