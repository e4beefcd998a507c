import Foundation
import Glibc
import JSON
import Testing

@Suite("AIHubMix endpoints")
struct AIHubMixEndpointsTests {
    @Test("the OpenAI SDK's multipart create, with input_reference as a file part, is accepted")
    func multipartCreate() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
        let body = multipartBody(
            boundary: "b0undary", fields: [("model", "sora-2"), ("prompt", "A calm lake"), ("seconds", "12"), ("size", "1792x1024")],
            files: [("input_reference", "frame.png", "image/png", png)])
        let created = try server.request(
            "POST", "/aihubmix/v1/videos", headers: [("Content-Type", "multipart/form-data; boundary=b0undary")], body: body)
        #expect(created.status == 200, "\(created.text)")
        #expect(created.json["seconds"] == "12")
        #expect(created.json["size"] == "1792x1024")
        #expect(created.json["prompt"] == "A calm lake")
    }

    @Test("list pages through a key's videos newest first, with first_id, last_id and has_more")
    func list() throws {
        let server = try RoutedServer()
        var ids: [String] = []
        for n in 0..<5 { ids.append(try server.create(["model": "sora-2", "prompt": .string("video \(n)")])) }
        _ = try server.create(["model": "sora-2", "prompt": "someone else's"], key: "sk-other")

        let first = try server.get("/v1/videos?limit=2")
        #expect(first.status == 200)
        #expect(first.json["object"] == "list")
        #expect(first.json["data"]?.array?.compactMap { $0["id"]?.string } == [ids[4], ids[3]])
        #expect(first.json["first_id"] == .string(ids[4]))
        #expect(first.json["last_id"] == .string(ids[3]))
        #expect(first.json["has_more"] == true)

        let last = try server.get("/v1/videos?limit=3&after=\(ids[3])")
        #expect(last.json["data"]?.array?.compactMap { $0["id"]?.string } == [ids[2], ids[1], ids[0]])
        #expect(last.json["has_more"] == false)

        let ascending = try server.get("/v1/videos?order=asc")
        #expect(ascending.json["data"]?.array?.compactMap { $0["id"]?.string } == ids)

        #expect(try server.get("/v1/videos?limit=0").error["param"] == "limit")
        #expect(try server.get("/v1/videos?limit=101").status == 400)
        #expect(try server.get("/v1/videos?order=sideways").error["param"] == "order")
        #expect(try server.get("/v1/videos?after=nope").error["param"] == "after")
    }

    @Test("delete answers video.deleted, then the video is gone from retrieve, content and list")
    func delete() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let deleted = try server.request("DELETE", "/v1/videos/\(id)")
        #expect(deleted.status == 200)
        #expect(deleted.json == ["id": .string(id), "object": "video.deleted", "deleted": true])
        #expect(try server.get("/v1/videos/\(id)").status == 404)
        #expect(try server.get("/v1/videos/\(id)/content").status == 404)
        #expect(try server.request("DELETE", "/v1/videos/\(id)").status == 404)
        #expect(try server.get("/v1/videos").json["data"] == [])
    }

    @Test("deleting a Kling video answers 501 not_supported and keeps it")
    func klingDelete() throws {
        let server = try RoutedServer()
        let id = try server.create(["model": "kling-v1-6", "prompt": "cat", "mode": "std", "duration": "5"])
        let result = try server.request("DELETE", "/v1/videos/\(id)")
        #expect(result.status == 501)
        #expect(result.error["code"] == "not_supported")
        #expect(result.error["type"] == "not_supported")
        #expect(try server.get("/v1/videos/\(id)").status == 200)
    }

    @Test("remix makes a new Sora video that names its source")
    func remix() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let id = try server.create(["model": "sora-2-pro", "prompt": "a lake", "seconds": "8", "size": "1024x1792"])
        _ = try server.get("/v1/videos/\(id)")
        let remixed = try server.post("/v1/videos/\(id)/remix", json: ["prompt": "the lake at night"])
        #expect(remixed.status == 200)
        #expect(remixed.json["remixed_from_video_id"] == .string(id))
        #expect(remixed.json["prompt"] == "the lake at night")
        #expect(remixed.json["seconds"] == "8")
        #expect(remixed.json["size"] == "1024x1792")
        #expect(remixed.json["model"] == "sora-2-pro")
        #expect(remixed.json["id"] != .string(id))

        let wan = try server.create(["model": "wan2.6-t2v", "prompt": "p"])
        let refused = try server.post("/v1/videos/\(wan)/remix", json: ["prompt": "x"])
        #expect(refused.status == 400)
        #expect(refused.error["code"] == "unsupported_model")
        #expect(try server.post("/v1/videos/\(id)/remix", json: [:]).error["param"] == "prompt")
    }

    @Test("remixing a video that is not completed is refused")
    func remixNotReady() throws {
        let server = try RoutedServer(["--clock", "manual"])
        let id = try server.create(["model": "sora-2", "prompt": "p"])
        let refused = try server.post("/v1/videos/\(id)/remix", json: ["prompt": "x"])
        #expect(refused.status == 400)
        #expect(refused.error["code"] == "video_not_ready")
    }

    @Test("content serves each variant with its type and length, matching the task's size, length and sound")
    func contentVariants() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let portrait = try server.create(["model": "sora-2", "prompt": "p", "size": "720x1280"])
        let video = try server.get("/v1/videos/\(portrait)/content?variant=video")
        #expect(video.header("Content-Type") == "video/mp4")
        #expect(video.header("Content-Length") == String(video.body.count))
        #expect(video.header("Accept-Ranges") == "bytes")
        expectVideo(video.body, width: 720, height: 1280, seconds: 4, audio: true)
        let thumbnail = try server.get("/v1/videos/\(portrait)/content?variant=thumbnail")
        #expect(thumbnail.header("Content-Type") == "image/webp")
        #expect(thumbnail.body == fixture("thumbnails/720x1280.webp"))
        #expect(!thumbnail.body.isEmpty)
        let sprites = try server.get("/v1/videos/\(portrait)/content?variant=spritesheet")
        #expect(sprites.header("Content-Type") == "image/jpeg")
        #expect(sprites.body == fixture("spritesheets/720x1280.jpg"))
        #expect(!sprites.body.isEmpty)
        #expect(try server.get("/v1/videos/\(portrait)/content?variant=gif").error["param"] == "variant")

        let silentSquare = try server.create(["model": "wan2.2-t2v-plus", "prompt": "p", "size": "624x624"])
        expectVideo(try server.get("/v1/videos/\(silentSquare)/content").body, width: 624, height: 624, seconds: 5, audio: false)
    }

    @Test("HEAD gives the headers of GET without a body; Range gives 206 and 416")
    func headAndRange() throws {
        let server = try InProcessServer(["--time-scale", "0"])
        let id = try server.create(["model": "sora-2", "prompt": "p", "size": "1280x720"])
        let whole = try server.get("/v1/videos/\(id)/content").body
        let connection = try HTTPConnection(port: server.port)
        let auth = [("Authorization", "Bearer sk-test")]
        let head = try connection.send("HEAD", "/v1/videos/\(id)/content", headers: auth)
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == String(whole.count))
        #expect(head.body.isEmpty)

        // Same connection: HEAD left no body behind.
        let partial = try connection.send("GET", "/v1/videos/\(id)/content", headers: auth + [("Range", "bytes=100-199")])
        #expect(partial.status == 206)
        #expect(partial.header("Content-Range") == "bytes 100-199/\(whole.count)")
        #expect(partial.body == Array(whole[100..<200]))

        let suffix = try connection.send("GET", "/v1/videos/\(id)/content", headers: auth + [("Range", "bytes=-10")])
        #expect(suffix.body == Array(whole[(whole.count - 10)...]))

        let open = try connection.send("GET", "/v1/videos/\(id)/content", headers: auth + [("Range", "bytes=\(whole.count - 5)-")])
        #expect(open.status == 206)
        #expect(open.body == Array(whole[(whole.count - 5)...]))

        let unsatisfiable = try connection.send("GET", "/v1/videos/\(id)/content", headers: auth + [("Range", "bytes=\(whole.count)-")])
        #expect(unsatisfiable.status == 416)
        #expect(unsatisfiable.header("Content-Range") == "bytes */\(whole.count)")
    }

    @Test("a video belongs to the key that created it: another key gets 404 everywhere")
    func perKeyIsolation() throws {
        let server = try RoutedServer(["--time-scale", "0"])
        let id = try server.create(["model": "sora-2", "prompt": "p"], key: "sk-alice")
        #expect(try server.get("/v1/videos/\(id)", key: "sk-alice").status == 200)
        for result in [
            try server.get("/v1/videos/\(id)", key: "sk-bob"),
            try server.get("/v1/videos/\(id)/content", key: "sk-bob"),
            try server.request("DELETE", "/v1/videos/\(id)", key: "sk-bob"),
            try server.post("/v1/videos/\(id)/remix", json: ["prompt": "x"], key: "sk-bob"),
        ] {
            #expect(result.status == 404)
            #expect(result.error["code"] == "not_found")
        }
        #expect(try server.get("/v1/videos", key: "sk-bob").json["data"] == [])
        #expect(try server.get("/v1/videos/\(id)", key: "sk-alice").status == 200)
    }

    @Test("one keep-alive connection serves many requests, pipelined ones in order")
    func keepAliveAndPipelining() throws {
        let server = try InProcessServer()
        let connection = try HTTPConnection(port: server.port)
        for _ in 0..<3 {
            let health = try connection.send("GET", "/__admin/health")
            #expect(health.status == 200)
            #expect(health.header("Connection") == "keep-alive")
        }
        try connection.write(
            "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /__admin/clock HTTP/1.1\r\nHost: x\r\n\r\n"
        )
        #expect(try connection.readResponse().status == 200)
        #expect(try connection.readResponse().status == 404)
        #expect(try connection.readResponse().json["mode"] == "wall")
    }

    @Test("requests cut anywhere across reads are answered whole and in order, bodies included")
    func requestsAcrossReads() throws {
        let server = try InProcessServer()
        let body = #"{"model":"sora-2","prompt":"split","seconds":"4"}"#
        let stream =
            "GET /__admin/health HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /v1/videos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
            + "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
        let bytes = Array(stream.utf8)
        // One cut at each of a spread of places: inside a line, between head and body, inside the body.
        for cut in stride(from: 1, to: bytes.count, by: 7) {
            let connection = try HTTPConnection(port: server.port)
            try connection.write(Array(bytes[..<cut]))
            Thread.sleep(forTimeInterval: 0.002)
            try connection.write(Array(bytes[cut...]))
            #expect(try connection.readResponse().status == 200, "cut at \(cut)")
            let created = try connection.readResponse()
            #expect(created.status == 200, "cut at \(cut)")
            #expect(created.json["prompt"] == "split", "cut at \(cut)")
            #expect(try connection.readResponse().status == 404, "cut at \(cut)")
        }
    }

    @Test("HTTP/1.0 and Connection: close get their reply and then the connection closes")
    func connectionClose() throws {
        let server = try InProcessServer()
        for request in ["GET /__admin/health HTTP/1.0\r\n\r\n", "GET /__admin/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"] {
            let connection = try HTTPConnection(port: server.port)
            try connection.write(request)
            let reply = try connection.readResponse()
            #expect(reply.status == 200)
            #expect(reply.header("Connection") == "close")
            #expect(connection.isClosedByPeer())
        }
    }

    @Test("a large upload with Expect: 100-continue gets 100 Continue, then its answer")
    func expectContinue() throws {
        let server = try InProcessServer()
        let connection = try HTTPConnection(port: server.port)
        let body = JSON.object(["model": "sora-2", "prompt": .string(String(repeating: "a", count: 20000))]).bytes
        try connection.write(
            "POST /v1/videos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n"
                + "Expect: 100-continue\r\n\r\n"
        )
        var interim = [UInt8](repeating: 0, count: 25)
        let count = interim.withUnsafeMutableBytes { recv(connection.fd, $0.baseAddress, 25, 0) }
        #expect(String(decoding: interim[0..<max(0, count)], as: UTF8.self) == "HTTP/1.1 100 Continue\r\n\r\n")
        try connection.write(body)
        #expect(try connection.readResponse().status == 200)
    }
}
