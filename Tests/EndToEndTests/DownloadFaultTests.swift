import Foundation
import JSON
import Testing

@Suite("Download faults and realistic sizes")
struct DownloadFaultTests {
    @Test("result bytes pads the video to that size, still valid, on the content endpoint and a signed link")
    func padded() throws {
        let server = try InProcessServer(["--time-scale", "0"])
        _ = try load("version: 1\nrules:\n  - { when: { endpoint: create }, result: { bytes: 5MB } }\n", into: server)
        let id = try server.create(["model": "sora-2", "prompt": "p", "seconds": "8", "size": "1280x720"])
        let video = try server.get("/v1/videos/\(id)/content")
        #expect(video.header("Content-Length") == "5000000")
        #expect(video.body.count == 5_000_000)
        expectVideo(video.body, width: 1280, height: 720, seconds: 8, audio: true)
        #expect(try MP4Probe(video.body).topLevel == ["ftyp", "moov", "mdat", "free"])
        let ranged = try server.get("/v1/videos/\(id)/content", headers: [("Range", "bytes=4999990-")])
        #expect(ranged.status == 206)
        #expect(ranged.body == Array(video.body.suffix(10)))

        let task = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations")
        let url = try #require(try server.get("/mixroute/v1/video/generations/\(task)").json["url"]?.string)
        let link = try #require(URL(string: url))
        #expect(try server.get(link.path + "?" + (link.query ?? ""), key: nil).body.count == 5_000_000)
    }

    @Test("throttle: the body trickles at the rate asked for")
    func throttle() throws {
        let server = try InProcessServer(["--time-scale", "0"])
        _ = try load(
            "version: 1\nrules:\n  - { when: { endpoint: create }, result: { bytes: 1MB } }\n"
                + "  - { when: { endpoint: content }, respond: { throttle: 2MB/s } }\n", into: server)
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let started = Date()
        let video = try server.get("/v1/videos/\(id)/content")
        let elapsed = Date().timeIntervalSince(started)
        #expect(video.status == 200)
        #expect(video.body.count == 1_000_000)
        #expect(elapsed >= 0.4, "1 MB at 2 MB/s took \(elapsed) s")
        #expect(elapsed < 3)
        expectVideo(video.body, width: 720, height: 1280, seconds: 4, audio: true)
    }

    @Test("cut_after: the headers promise the whole file, the connection closes after the share asked for")
    func cutAfter() throws {
        let server = try InProcessServer(["--time-scale", "0"])
        _ = try load(
            "version: 1\nrules:\n  - { when: { endpoint: create }, result: { bytes: 200KB } }\n"
                + "  - { when: { endpoint: content, nth: 1 }, respond: { cut_after: 50% } }\n"
                + "  - { when: { endpoint: content, nth: 2 }, respond: { cut_after: 1000 } }\n", into: server)
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let request = "GET /v1/videos/\(id)/content HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-test\r\n\r\n"
        for expected in [100_000, 1000] {
            let (bytes, _) = try exchange(port: server.port, request)
            let split = try #require(bytes.indices.first { bytes[$0..<min($0 + 4, bytes.count)] == [13, 10, 13, 10] })
            let head = String(decoding: bytes[..<split], as: UTF8.self)
            #expect(head.contains("Content-Length: 200000"))
            #expect(bytes.count - split - 4 == expected)
        }
        #expect(try server.get("/v1/videos/\(id)/content").body.count == 200_000)
    }

    @Test("corrupt: a valid reply whose video will not decode: its parameter sets are garbled")
    func corrupt() throws {
        let server = try InProcessServer(["--time-scale", "0"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let good = try server.get("/v1/videos/\(id)/content").body
        _ = try load("version: 1\nrules:\n  - { when: { endpoint: content }, respond: { corrupt: true } }\n", into: server)
        let bad = try server.get("/v1/videos/\(id)/content")
        #expect(bad.status == 200)
        #expect(bad.header("Content-Type") == "video/mp4")
        #expect(bad.body.count == good.count)
        #expect(bad.body != good)
        expectVideo(bad.body, width: 720, height: 1280, seconds: 4, audio: true)
        if ProcessInfo.processInfo.environment["VIDEOMOCK_MEDIA_CHECK"] == "ffmpeg" {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("corrupt-\(UUID()).mp4")
            try Data(bad.body).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let decode = try MediaMatrixTests.run("ffmpeg", ["-v", "error", "-i", file.path, "-f", "null", "-"])
            #expect(!decode.output.isEmpty, "ffmpeg reports the damage")
        }
    }

    @Test(
        "ill-formed download keys stop videomock serve with FILE:LINE:COLUMN",
        arguments: [
            ("version: 1\nrules:\n  - { respond: { throttle: fast } }\n", "expected a rate such as 256KiB/s"),
            ("version: 1\nrules:\n  - { respond: { cut_after: 150% } }\n", "expected a share such as 50%"),
            ("version: 1\nrules:\n  - { result: { bytes: lots } }\n", "expected a size such as 50MB"),
            ("version: 1\nrules:\n  - { respond: { corrupt: maybe } }\n", "expected true or false"),
        ])
    func badKeys(_ text: String, _ message: String) throws {
        let server = try InProcessServer()
        let refused = try load(text, into: server)
        #expect(refused.status == 400)
        #expect(refused.error["line"] == 3)
        #expect(refused.error["message"]?.string?.contains(message) == true, "\(refused.text)")
    }

    @Test("explicit widths and heights must be a size VideoMock makes videos at")
    func explicitSizes() throws {
        let server = try InProcessServer(["--time-scale", "0"])
        let body: JSON = ["model": "kling-v2-master", "prompt": "p", "width": 1920, "height": 1080]
        #expect(try server.post("/amux/v1/video/generations", json: body).status == 200)
        let refused = try server.post(
            "/amux/v1/video/generations", json: ["model": "kling-v2-master", "prompt": "p", "width": 1000, "height": 1000])
        #expect(refused.status == 400)
        #expect(refused.error["param"] == "width")
        #expect(refused.error["message"]?.string?.contains("1000x1000 is not one of them") == true)
    }
}
