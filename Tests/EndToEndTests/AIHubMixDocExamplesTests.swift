import Foundation
import JSON
import Testing

/// Every AIHubMix example in its documentation, sent as written, runs to completion and its
/// video downloads.
@Suite("AIHubMix documentation examples")
struct AIHubMixDocExamplesTests {
    static let examples: [(name: String, body: String, width: Int, height: Int, duration: Int)] = [
        (
            "minimal wan2.6-t2v",
            Example.body("aihubmix-doc-wan2.6-t2v.json"),
            1280, 720, 5
        ),
        (
            "sora-2",
            Example.body("aihubmix-doc-sora-2.json"),
            1280, 720, 8
        ),
        (
            "veo-3.1",
            #"{"model": "veo-3.1-generate-preview", "prompt": "A tranquil Japanese garden", "seconds": "8", "size": "1280x720"}"#, 1280,
            720, 8
        ),
        (
            "wan2.6 1080p",
            #"{"model": "wan2.6-t2v", "prompt": "A winding stream flows through an autumn forest", "seconds": "5", "size": "1920x1080"}"#,
            1920, 1080, 5
        ),
        (
            "jimeng 16:9",
            Example.body("aihubmix-doc-jimeng-3.0-pro.json"),
            1920, 1088, 5
        ),
        (
            "kling-v1-6",
            #"{"model": "kling-v1-6", "prompt": "An orange cat running on a sunlit grassy meadow", "mode": "std", "duration": "5"}"#, 1280,
            720, 5
        ),
        (
            "python example", #"{"model": "wan2.6-t2v", "prompt": "A desert under a starry sky", "seconds": "5", "size": "1920x1080"}"#,
            1920, 1080, 5
        ),
        (
            "input_reference URL", #"{"model": "wan2.6-i2v", "prompt": "p", "input_reference": "https://example.com/image.jpg"}"#, 1280,
            720, 5
        ),
        (
            "input_reference object",
            #"{"model": "wan2.6-i2v", "prompt": "p", "input_reference": {"mime_type": "image/jpeg", "data": "/9j/4AAQSkZJRg=="}}"#, 1280,
            720, 5
        ),
        (
            "input_reference data URL",
            #"{"model": "wan2.6-i2v", "prompt": "p", "input_reference": "data:image/jpeg;base64,/9j/4AAQSkZJRg=="}"#, 1280, 720, 5
        ),
        (
            "seedance 2.0 (valid JSON)",
            Example.body("aihubmix-doc-doubao-seedance-2-0-260128.json"),
            1280, 720, 11
        ),
    ]

    @Test("each example is accepted, completes and its video downloads", arguments: 0..<examples.count)
    func example(_ index: Int) throws {
        let example = Self.examples[index]
        let server = try RoutedServer(["--time-scale", "0"])
        let created = try server.request(
            "POST", "/v1/videos", headers: [("Content-Type", "application/json")], body: Array(example.body.utf8))
        #expect(created.status == 200, "\(example.name): \(created.text)")
        let id = try #require(created.json["id"]?.string)
        #expect(Base64Decode(id).contains("\"model\""), "ids are opaque base64 tokens naming the model")
        #expect(created.json["object"] == "video")

        let polled = try server.get("/v1/videos/\(id)")
        #expect(polled.json["status"] == "completed")
        if polled.json["seconds"] != nil {
            #expect(polled.json["seconds"] == .string(String(example.duration)))
        } else {
            #expect(polled.json["duration"] == .int(example.duration))
            #expect(polled.json["width"] == .int(example.width))
            #expect(polled.json["height"] == .int(example.height))
            #expect(polled.json["url"] == .string("http://127.0.0.1/v1/videos/\(id)/content"))
        }

        let video = try server.get("/v1/videos/\(id)/content")
        #expect(video.status == 200)
        #expect(video.header("Content-Type") == "video/mp4")
        #expect(Array(video.body[4..<8]) == Array("ftyp".utf8))
    }

    @Test("the documented Seedance 2.0 example, which is not valid JSON, gets a 400 naming the parse error")
    func seedanceExampleAsWritten() throws {
        let server = try RoutedServer()
        let body = Example.body("aihubmix-doc-seedance-2.0-as-documented.txt")
        let result = try server.request("POST", "/v1/videos", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        #expect(result.status == 400)
        #expect(result.error["code"] == "invalid_json")
        #expect(
            result.error["message"]?.string?.contains("not valid JSON: unexpected character 'P', expected ',' or '}' at line 3") == true)
    }
}

func Base64Decode(_ text: String) -> String {
    var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while padded.count % 4 != 0 { padded += "=" }
    return Data(base64Encoded: padded).map { String(decoding: $0, as: UTF8.self) } ?? ""
}
