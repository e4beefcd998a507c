import Foundation
import JSON
import Testing

/// The optional parameters each provider documents are accepted and take effect, end to end.
@Suite("Documented parameters are accepted")
struct ParameterCoverageTests {
    @Test(
        "AIHubMix Kling: every documented parameter, and the omni models' sound and video_list",
        arguments: [
            Example.body("coverage-kling-v1-6.json"),
            Example.body("coverage-kling-v3-omni.json"),
        ])
    func kling(_ body: String) throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let created = try server.request("POST", "/v1/videos", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        #expect(created.status == 200, "\(created.text)")
        let id = try #require(created.json["id"]?.string)
        let task = try server.get("/v1/videos/\(id)").json
        #expect(task["status"] == "completed")
        let expected = body.contains("kling-v1-6") ? (1080, 1920, 10) : (2160, 2160, 15)
        #expect(task["width"] == .int(expected.0))
        #expect(task["height"] == .int(expected.1))
        #expect(task["duration"] == .int(expected.2))
    }

    @Test("AIHubMix Seedance 2.0: duration -1, resolution, ratio, watermark and generate_audio; silent when asked")
    func seedance() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let id = try server.create([
            "model": "doubao-seedance-2-0-fast-260128", "prompt": "p", "duration": -1, "resolution": "480p", "ratio": "9:16",
            "watermark": true, "generate_audio": false,
        ])
        let task = try server.get("/v1/videos/\(id)").json
        #expect(task["duration"] == -1)
        #expect(task["width"] == 480)
        #expect(task["height"] == 854)
        // "-1: the model decides": 5 s of video.
        expectVideo(try server.get("/v1/videos/\(id)/content").body, width: 480, height: 854, seconds: 5, audio: false)
    }

    @Test("AIHubMix Wan: sizes written W*H are accepted as WxH")
    func starSizes() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let id = try server.create(["model": "wan2.6-t2v", "prompt": "p", "size": "1080*1920", "duration": 12])
        let task = try server.get("/v1/videos/\(id)").json
        #expect(task["width"] == 1080)
        #expect(task["height"] == 1920)
        #expect(task["duration"] == 12)
    }

    @Test(
        "Amux: each family's metadata fields are accepted",
        arguments: [
            Example.body("coverage-doubao-seedance-2.0-fast.json"),
            Example.body("coverage-kling-v2-6.json"),
            #"{"model": "jimeng-3.0-pro", "prompt": "p", "duration": 10, "metadata": {"negative_prompt": "x", "aspect_ratio": "3:4"}}"#,
            Example.body("coverage-wan2.6-i2v.json"),
        ])
    func amuxMetadata(_ body: String) throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let created = try server.request(
            "POST", "/amux/v1/video/generations", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        #expect(created.status == 200, "\(created.text)")
        let id = try #require(created.json["task_id"]?.string)
        #expect(try server.get("/amux/v1/video/generations/\(id)").json["status"] == "completed")
    }

    @Test("--scenario repeats: the rules of every file apply, the earlier file's first")
    func repeatedScenarios() throws {
        let first = try scenarioFile("version: 1\nrules:\n  - { name: first, when: { endpoint: list }, respond: { status: 503 } }\n")
        let second = try scenarioFile(
            """
            version: 1
            rules:
              - { name: shadowed, when: { endpoint: list }, respond: { status: 500 } }
              - { name: second, when: { endpoint: create }, respond: { status: 429 } }
            """)
        let server = try RoutedServer(["--scenario", first, "--scenario", second])
        #expect(try server.get("/v1/videos").status == 503)
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "p"]).status == 429)
        #expect(try server.get("/__admin/scenarios", key: nil).json["scenarios"]?.array?.count == 2)
    }
}
