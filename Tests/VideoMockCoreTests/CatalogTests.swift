import Glibc
import JSON
import Testing

@testable import VideoMockCore

let fixturesDirectory: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path + "/Fixtures"
}()

func aihubmix() throws -> Catalog {
    try CatalogSet.load(files: ["\(fixturesDirectory)/catalog/aihubmix.yaml"])[.aihubmix]
}

func params(_ pairs: [(String, JSON)]) -> ParameterSet {
    var set = ParameterSet()
    for (name, value) in pairs { set.set(name, value) }
    return set
}

@Suite("The AIHubMix catalog")
struct CatalogTests {
    @Test("lists every model of the documentation")
    func everyModel() throws {
        #expect(
            try aihubmix().modelIDs == [
                "sora-2", "sora-2-pro", "veo-3.1-generate-preview", "veo-3.1-fast-generate-preview", "veo-3.0-generate-preview",
                "veo-2.0-generate-001", "wan2.6-t2v", "wan2.6-i2v", "wan2.5-t2v-preview", "wan2.5-i2v-preview", "wan2.2-t2v-plus",
                "wan2.2-i2v-plus", "jimeng-3.0-pro", "jimeng-3.0-1080p", "doubao-seedance-2-0-260128", "doubao-seedance-2-0-fast-260128",
                "kling-v1", "kling-v1-5", "kling-v1-6", "kling-v2-1", "kling-v2-5-turbo", "kling-v2-6", "kling-v3", "kling-video-o1",
                "kling-v3-omni",
            ])
    }

    @Test(
        "applies each model's documented defaults when a request gives only model and prompt",
        arguments: [
            ("sora-2", 4, "720x1280", true),
            ("veo-3.1-generate-preview", 8, "1280x720", true),
            ("veo-2.0-generate-001", 8, "1280x720", false),
            ("wan2.6-t2v", 5, "1280x720", true),
            ("wan2.2-t2v-plus", 5, "832x480", false),
            ("jimeng-3.0-pro", 5, "1920x1088", false),
            ("doubao-seedance-2-0-260128", 5, "1280x720", true),
            ("kling-v1-6", 5, "1280x720", false),
            ("kling-v3-omni", 5, "1280x720", false),
        ])
    func defaults(_ model: String, _ duration: Int, _ size: String, _ audio: Bool) throws {
        let spec = try aihubmix().validate(modelID: model, params([("prompt", "p")]))
        #expect(spec.duration == duration)
        #expect(spec.dimensions.description == size)
        #expect(spec.hasAudio == audio)
    }

    @Test(
        "derives the frame from sizes, labels, ratios and modes",
        arguments: [
            ("veo-3.1-generate-preview", [("size", JSON("1080p")), ("aspect_ratio", "9:16")], "1080x1920"),
            ("veo-3.1-generate-preview", [("size", JSON("4k"))], "3840x2160"),
            ("wan2.6-t2v", [("size", JSON("1080*1920"))], "1080x1920"),
            ("jimeng-3.0-pro", [("size", JSON("21:9"))], "2176x928"),
            ("jimeng-3.0-pro", [("size", JSON("1080x1920"))], "1088x1920"),
            ("kling-v2-6", [("mode", JSON("pro")), ("aspect_ratio", "1:1")], "1080x1080"),
            ("kling-v2-6", [("mode", JSON("4k")), ("aspect_ratio", "9:16")], "2160x3840"),
            ("doubao-seedance-2-0-260128", [("resolution", JSON("480p")), ("ratio", "21:9")], "1120x480"),
        ])
    func dimensions(_ model: String, _ extra: [(String, JSON)], _ expected: String) throws {
        let spec = try aihubmix().validate(modelID: model, params([("prompt", "p")] + extra))
        #expect(spec.dimensions.description == expected)
    }

    @Test("turns strings into integers where a model takes integers, and keeps both spellings of duration apart")
    func coercion() throws {
        let catalog = try aihubmix()
        #expect(try catalog.validate(modelID: "wan2.6-t2v", params([("prompt", "p"), ("seconds", "12")])).duration == 12)
        #expect(try catalog.validate(modelID: "wan2.6-t2v", params([("prompt", "p"), ("duration", 12)])).duration == 12)
        #expect(try catalog.validate(modelID: "wan2.6-t2v", params([("prompt", "p"), ("seconds", "6"), ("duration", 6)])).duration == 6)
        #expect(throws: ValidationError.self) {
            try catalog.validate(modelID: "wan2.6-t2v", params([("prompt", "p"), ("seconds", "6"), ("duration", 7)]))
        }
    }

    @Test("with a first frame, Veo 3.1 takes only 8 seconds and defaults to it")
    func constraint() throws {
        let spec = try aihubmix().validate(
            modelID: "veo-3.1-fast-generate-preview", params([("prompt", "p"), ("input_reference", "https://a.test/x.png")]))
        #expect(spec.duration == 8)
        #expect(spec.inputs == ["first_frame": 1])
    }

    @Test("unknown models are refused with the list of models")
    func unknownModel() throws {
        #expect(throws: ValidationError.self) { try aihubmix().validate(modelID: "veo-4", params([("prompt", "p")])) }
    }
}

@Suite("Catalog files")
struct CatalogFileTests {
    func load(_ text: String) throws(DocumentError) -> CatalogSet {
        let path = "/tmp/videomock-catalog-\(text.hashValue).yaml"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        defer { unlink(path) }
        return try CatalogSet.load(files: [path])
    }

    @Test(
        "a bad catalog is refused with FILE:LINE:COLUMN and what is wrong",
        arguments: [
            ("provider: aihubmix\nmodels:\n  m:\n    params:\n      seconds: { type: integr }\n", 5, "unknown type 'integr'"),
            ("provider: aihubmix\nmodels:\n  m: { like: nothing }\n", 3, "unknown template 'nothing'"),
            ("provider: aihubmix\nmodels:\n  m: { colour: red }\n", 3, "unknown key 'colour'"),
            ("provider: aihubmix\nmodels:\n  m: { expires_after: soon }\n", 3, "expected a duration"),
            ("provider: aihubmix\nmodels:\n  m:\n    params: { a: { range: [5, 1] } }\n", 4, "the minimum is above the maximum"),
            ("provider: aihubmix\nmodels: [\n", 3, "did not find expected node content"),
        ])
    func badCatalog(_ text: String, _ line: Int, _ message: String) {
        do {
            _ = try load(text)
            Issue.record("accepted")
        } catch {
            #expect(error.line == line)
            #expect(error.description.hasPrefix("/tmp/videomock-catalog-"))
            #expect(error.message.contains(message), "\(error)")
        }
    }

    @Test("durations read as the scenario format writes them")
    func durations() {
        #expect(parseDuration("250ms") == 0.25)
        #expect(parseDuration("2s") == 2)
        #expect(parseDuration("5m") == 300)
        #expect(parseDuration("24h") == 86400)
        #expect(parseDuration("30d") == 2_592_000)
        #expect(parseDuration("1.5") == 1.5)
        #expect(parseDuration("soon") == nil)
        #expect(parseDuration("-1s") == nil)
    }
}
