import Foundation
import JSON
import Testing

@Suite("Mixroute")
struct MixrouteTests {
    /// Every curl example in files 000 and 001 (and the Submit page's forms from 002).
    static let examples: [String] = [
        #"{"model": "sora-2", "prompt": "A golden retriever running on the beach, sunny day, slow motion shot", "duration": 10, "resolution": "1080p", "aspect_ratio": "16:9"}"#,
        #"{"model": "sora-2", "prompt": "Make the person in the image smile and wave", "duration": 5, "image_url": "https://console.mixroute.io/image.jpg"}"#,
        #"{"model": "sora-2", "prompt": "Convert the video style to anime, keep the same motion and composition", "duration": 10, "remix_url": "https://console.mixroute.io/original-video.mp4"}"#,
        #"{"model": "sora-2", "prompt": "Landscape, 8 seconds", "duration": 8, "size": "1280x720"}"#,
        #"{"model": "sora-2", "prompt": "Remix by id", "duration": 4, "remix_video_id": "video_abc123"}"#,
        #"{"model": "veo-3.1-fast-generate-preview", "prompt": "Morning sunlight shining on a cyberpunk city skyline, camera slowly pushing forward", "durationSeconds": 6, "aspectRatio": "16:9", "resolution": "1080p", "generateAudio": false}"#,
        #"{"model": "veo-3.1-generate-preview", "prompt": "Camera slowly pulls back to reveal the entire city panorama", "durationSeconds": 8, "aspectRatio": "16:9", "image": "https://console.mixroute.io/first-frame.jpg"}"#,
        #"{"model": "veo-3.1-generate-preview", "prompt": "A flower blooming from bud to full bloom", "durationSeconds": 6, "image": "https://console.mixroute.io/flower-bud.jpg", "lastFrameImage": "https://console.mixroute.io/flower-bloom.jpg"}"#,
        #"{"model": "veo-3.1-fast-generate-preview", "prompt": "A cute kitten playing in the garden", "durationSeconds": 6, "aspectRatio": "16:9"}"#,
        #"{"model": "veo-3.0-fast-generate-001", "prompt": "p", "durationSeconds": 4, "sampleCount": 2, "personGeneration": "allow_adult", "addWatermark": true, "seed": 7}"#,
        #"{"model": "wanx-video-v1", "prompt": "A Chinese dragon flying through the clouds, majestic and powerful", "duration": 5, "size": "1280x720", "style": "realistic"}"#,
        #"{"model": "wanx-video-v1", "prompt": "Make the waterfall in the image flow", "duration": 5, "image_url": "https://console.mixroute.io/waterfall.jpg"}"#,
        #"{"model": "seedance-1.0", "prompt": "A girl dancing under cherry blossom trees, petals falling, beautiful aesthetic", "duration": 6, "aspect_ratio": "9:16", "resolution": "1080p", "negative_prompt": "blurry, distorted, low quality"}"#,
        #"{"model": "seedance-1.0", "prompt": "The person slowly turns their head and smiles", "duration": 4, "first_frame": "https://console.mixroute.io/portrait.jpg"}"#,
        #"{"model": "seedance-1.0", "prompt": "A car accelerates from standstill and drives into the distance", "duration": 6, "first_frame": "https://console.mixroute.io/car-start.jpg", "last_frame": "https://console.mixroute.io/car-end.jpg"}"#,
        #"{"model": "seedance-1.0", "prompt": "A girl walking on the street, maintaining the character appearance from the reference image", "duration": 6, "reference_image": "https://console.mixroute.io/character-ref.jpg", "aspect_ratio": "16:9"}"#,
        #"{"model": "seedance-1.0-pro", "prompt": "Cinematic quality, a samurai slowly drawing his sword in the rain", "duration": 8, "aspect_ratio": "16:9", "resolution": "1080p"}"#,
        #"{"model": "seedance-1.5-pro", "prompt": "Ultra HD quality, an astronaut performing maintenance outside a space station", "duration": 8, "aspect_ratio": "16:9", "resolution": "1080p", "negative_prompt": "blurry, noise, low quality"}"#,
        #"{"model": "wan2.5-t2v-preview", "prompt": "A river", "duration": 10, "resolution": "720p", "aspect_ratio": "9:16"}"#,
        #"{"model": "wan2.5-i2v-preview", "prompt": "Make it move", "image": "https://a.test/first.png"}"#,
        #"{"model": "doubao-seedance-1-0-lite-t2v-250428", "metadata": {"content": [{"type": "text", "text": "A kitten yawns at the camera --ratio 16:9 --duration 5 --resolution 720p"}]}}"#,
        #"{"model": "doubao-seedance-1-0-lite-i2v-250428", "metadata": {"content": [{"type": "text", "text": "The girl opens her eyes --rt 9:16 --dur 10"}, {"type": "image_url", "image_url": {"url": "https://a.test/first.png"}, "role": "first_frame"}, {"type": "image_url", "image_url": {"url": "https://a.test/last.png"}, "role": "last_frame"}]}}"#,
        #"{"model": "doubao-seedance-1-0-lite-i2v-250428", "metadata": {"content": [{"type": "text", "text": "[图1] wears the hat from [图2] --ratio 1:1"}, {"type": "image_url", "image_url": {"url": "https://a.test/1.png"}, "role": "reference_image"}, {"type": "image_url", "image_url": {"url": "https://a.test/2.png"}, "role": "reference_image"}]}}"#,
        #"{"model": "doubao-seedance-1-0-pro-250528", "metadata": {"content": [{"type": "text", "text": "A cat walks --ratio adaptive --seed 42 --watermark true"}, {"type": "image_url", "image_url": {"url": "https://a.test/cat.png"}, "role": "first_frame"}]}}"#,
        #"{"model": "doubao-seedance-1-5-pro-251215", "metadata": {"content": [{"type": "text", "text": "Rain on a window --duration 12 --resolution 480p --camerafixed true"}]}}"#,
        #"{"model": "doubao-seedance-1-5-pro-251215-noAudio", "metadata": {"content": [{"type": "text", "text": "A sunrise --duration 4"}]}}"#,
    ]

    @Test("each documented request is accepted, succeeds, and its result can be fetched", arguments: 0..<examples.count)
    func example(_ index: Int) throws {
        let server = try ServerProcess(["--time-scale", "0"])
        let created = try server.request("POST", "/mixroute/v1/video/generations", headers: [("Content-Type", "application/json")], body: Array(Self.examples[index].utf8))
        #expect(created.status == 200, "\(created.text)")
        let id = try #require(created.json["task_id"]?.string)
        #expect(["submitted", "pending"].contains(created.json["status"]?.string ?? ""))
        let task = try server.get("/mixroute/v1/video/generations/\(id)")
        #expect(task.json["status"] == "succeeded")
        #expect(task.json["format"] == "mp4")
        #expect(task.json["error"] == .null)
        let url = try #require(task.json["url"]?.string)
        let video: [UInt8]
        if url.hasPrefix("data:video/mp4;base64,") {
            video = Array(try #require(Data(base64Encoded: String(url.dropFirst(22)))))
        } else {
            let path = try #require(URL(string: url)).path + "?" + (URL(string: url)?.query ?? "")
            let download = try server.get(path, key: nil)
            #expect(download.status == 200)
            #expect(download.header("Content-Type") == "video/mp4")
            video = download.body
        }
        #expect(Array(video[4..<8]) == Array("ftyp".utf8))
        #expect(fixtureNames.contains { fixture($0) == video })
    }

    @Test("submit replies: the Veo page's pending with created_at, the generic page's submitted with format")
    func submitReplies() throws {
        let server = try ServerProcess()
        let veo = try server.post("/mixroute/v1/video/generations", json: ["model": "veo-3.1-fast-generate-preview", "prompt": "p", "durationSeconds": 6, "aspectRatio": "16:9"])
        #expect(veo.json.object?.keys == ["task_id", "status", "created_at"])
        #expect(veo.json["status"] == "pending")
        #expect(veo.json["task_id"]?.string?.hasPrefix("task_") == true)
        let sora = try server.post("/mixroute/v1/video/generations", json: ["model": "sora-2", "prompt": "p"])
        #expect(sora.json.object?.keys == ["task_id", "status", "format"])
        #expect(sora.json["status"] == "submitted")
        #expect(sora.json["format"] == "mp4")
        #expect(sora.json["task_id"]?.string?.hasPrefix("video_") == true)
    }

    @Test("status goes submitted, processing, succeeded, in the new-api shape with metadata")
    func lifecycle() throws {
        let server = try ServerProcess(["--clock", "manual"])
        let id = try server.create(["model": "wanx-video-v1", "prompt": "dragon", "duration": 10, "size": "720x1280", "seed": 99], path: "/mixroute/v1/video/generations")
        let submitted = try server.get("/mixroute/v1/video/generations/\(id)")
        #expect(submitted.json == ["task_id": .string(id), "status": "submitted", "url": nil, "format": "mp4", "metadata": ["duration": 10, "fps": 24, "width": 720, "height": 1280, "seed": 99], "error": nil])
        try server.advance(seconds: 2)
        #expect(try server.get("/mixroute/v1/video/generations/\(id)").json["status"] == "processing")
        try server.advance(seconds: 3)
        let done = try server.get("/mixroute/v1/video/generations/\(id)")
        #expect(done.json["status"] == "succeeded")
        #expect(done.json["url"]?.string?.contains("/mixroute/files/\(id).mp4?expires=") == true)
    }

    @Test("a signed link works without the API key until it expires, then answers 403 expired; altered links are refused")
    func signedLinkExpiry() throws {
        let server = try ServerProcess(["--clock", "manual", "--api-key", "sk-only"])
        let id = try server.create(["model": "sora-2", "prompt": "p"], path: "/mixroute/v1/video/generations", key: "sk-only")
        try server.advance(seconds: 5)
        let url = try #require(try server.get("/mixroute/v1/video/generations/\(id)", key: "sk-only").json["url"]?.string)
        let path = String(url.drop { $0 != "/" }.dropFirst(2).drop { $0 != "/" })
        #expect(try server.get(path, key: nil).status == 200)
        #expect(try server.request("HEAD", path, key: nil).header("Content-Length") == String(fixture("landscape-audio.mp4").count))

        let tampered = try server.get(path.replacingOccurrences(of: "expires=", with: "expires=9"), key: nil)
        #expect(tampered.status == 403)
        #expect(tampered.text.contains("<Code>SignatureDoesNotMatch</Code>"))

        try server.advance(seconds: 86400)
        let expired = try server.get(path, key: nil)
        #expect(expired.status == 403)
        #expect(expired.header("Content-Type") == "application/xml")
        #expect(expired.text.contains("<Code>AccessDenied</Code><Message>Request has expired</Message>"))
        // The task still reports its (now expired) link.
        #expect(try server.get("/mixroute/v1/video/generations/\(id)", key: "sk-only").json["url"] == .string(url))
    }

    @Test("the Sora 2 download endpoint serves Sora tasks and refuses others")
    func soraDownload() throws {
        let server = try ServerProcess(["--time-scale", "0"])
        let sora = try server.create(["model": "sora-2", "prompt": "p", "size": "720x1280"], path: "/mixroute/v1/video/generations")
        _ = try server.get("/mixroute/v1/video/generations/\(sora)")
        let video = try server.get("/mixroute/v1/videos/\(sora)/content")
        #expect(video.status == 200)
        #expect(video.body == fixture("portrait-audio.mp4"))
        let wan = try server.create(["model": "wanx-video-v1", "prompt": "p"], path: "/mixroute/v1/video/generations")
        #expect(try server.get("/mixroute/v1/videos/\(wan)/content").status == 400)
    }

    @Test("Veo gives data URLs of a real MP4, with sound when the model makes it")
    func veoDataURL() throws {
        let server = try ServerProcess(["--time-scale", "0"])
        for (model, audio, expected) in [("veo-3.0-generate-preview", false, "landscape.mp4"), ("veo-3.0-generate-preview", true, "landscape-audio.mp4"), ("veo-3.0-fast-generate-001", false, "landscape-audio.mp4")] {
            let id = try server.create(["model": .string(model), "prompt": "p", "generateAudio": .bool(audio)], path: "/mixroute/v1/video/generations")
            let url = try #require(try server.get("/mixroute/v1/video/generations/\(id)").json["url"]?.string)
            #expect(url.hasPrefix("data:video/mp4;base64,"))
            #expect(Data(base64Encoded: String(url.dropFirst(22))).map(Array.init) == fixture(expected), "\(model) audio \(audio)")
        }
    }

    struct Limit: CustomTestStringConvertible, Sendable {
        let body: String
        let param: String
        let contains: String
        var testDescription: String { "\(param): \(body.prefix(70))" }
    }

    static let limits: [Limit] = [
        Limit(body: #"{"model": "sora-2", "prompt": "p", "duration": 6}"#, param: "duration", contains: #""4", "5", "8", "10", "12", "15", "20""#),
        Limit(body: #"{"model": "sora-2", "prompt": "p", "size": "1920x1080"}"#, param: "size", contains: #""720x1280", "1280x720""#),
        Limit(body: #"{"model": "sora-2", "prompt": "p", "resolution": "4k"}"#, param: "resolution", contains: #""480p", "720p", "1080p""#),
        Limit(body: #"{"model": "sora-2", "prompt": "p", "remix_video_id": "task_1"}"#, param: "remix_video_id", contains: "must start with 'video_'"),
        Limit(body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "durationSeconds": 5}"#, param: "durationSeconds", contains: #""4", "6", "8""#),
        Limit(body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "aspectRatio": "1:1"}"#, param: "aspectRatio", contains: #""16:9", "9:16""#),
        Limit(body: #"{"model": "veo-3.0-generate-preview", "prompt": "p", "lastFrameImage": "https://a.test/x.png"}"#, param: "lastFrameImage", contains: "does not support 'lastFrameImage'"),
        Limit(body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "sampleCount": 5}"#, param: "sampleCount", contains: "an integer from 1 to 4"),
        Limit(body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "resolution": "4k"}"#, param: "resolution", contains: #""720p", "1080p""#),
        Limit(body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "generateAudio": "yes"}"#, param: "generateAudio", contains: "must be true or false"),
        Limit(body: #"{"model": "wanx-video-v1", "prompt": "p", "duration": 4}"#, param: "duration", contains: #""3", "5", "10""#),
        Limit(body: #"{"model": "wanx-video-v1", "prompt": "p", "size": "1920x1080"}"#, param: "size", contains: #""1280x720", "720x1280", "960x960""#),
        Limit(body: #"{"model": "wan2.5-i2v-preview", "prompt": "p"}"#, param: "image", contains: "Missing required parameter 'image'"),
        Limit(body: #"{"model": "seedance-1.0", "prompt": "p", "duration": 5}"#, param: "duration", contains: #""4", "6", "8""#),
        Limit(body: #"{"model": "seedance-1.0", "prompt": "p", "aspect_ratio": "4:3"}"#, param: "aspect_ratio", contains: #""16:9", "9:16", "1:1""#),
        Limit(body: #"{"model": "doubao-seedance-1-0-lite-t2v-250428", "metadata": {"content": [{"type": "text", "text": "p --ratio adaptive"}]}}"#, param: "--ratio in the prompt", contains: "Invalid value for '--ratio in the prompt': 'adaptive'"),
        Limit(body: #"{"model": "doubao-seedance-1-0-lite-t2v-250428", "metadata": {"content": [{"type": "text", "text": "p"}, {"type": "image_url", "image_url": {"url": "https://a.test/1.png"}}]}}"#, param: "metadata.content (role first_frame)", contains: "does not support"),
        Limit(body: #"{"model": "doubao-seedance-1-0-pro-250528", "metadata": {"content": [{"type": "text", "text": "p"}, {"type": "image_url", "image_url": {"url": "https://a.test/1.png"}, "role": "last_frame"}]}}"#, param: "metadata.content (role last_frame)", contains: "does not support"),
        Limit(body: #"{"model": "doubao-seedance-1-0-lite-i2v-250428", "metadata": {"content": [{"type": "text", "text": "a cat like [图1]"}, {"type": "image_url", "image_url": {"url": "https://a.test/1.png"}, "role": "reference_image"}, {"type": "image_url", "image_url": {"url": "https://a.test/2.png"}, "role": "reference_image"}]}}"#, param: "reference_image", contains: "Reference image 2 must be referred to in the prompt as [图2]"),
        Limit(body: #"{"model": "doubao-seedance-1-5-pro-251215", "metadata": {"content": [{"type": "text", "text": "p --resolution 1080p"}]}}"#, param: "--resolution in the prompt", contains: #""480p", "720p""#),
        Limit(body: #"{"model": "doubao-seedance-1-5-pro-251215", "metadata": {"content": [{"type": "text", "text": "p --duration 13"}]}}"#, param: "--duration in the prompt", contains: "an integer from 4 to 12"),
        Limit(body: #"{"model": "doubao-seedance-1-5-pro-251215", "metadata": {"content": [{"type": "text", "text": "[图1] p"}, {"type": "image_url", "image_url": {"url": "https://a.test/1.png"}, "role": "reference_image"}]}}"#, param: "metadata.content (role reference_image)", contains: "does not support"),
        Limit(body: #"{"model": "doubao-seedance-1-5-pro-251215"}"#, param: "metadata.content", contains: "Missing 'metadata.content'"),
        Limit(body: #"{"model": "kling-v1", "prompt": "p"}"#, param: "model", contains: "Unknown model 'kling-v1'"),
    ]

    @Test("each documented limit is enforced with a 400 naming the parameter", arguments: limits)
    func limit(_ limit: Limit) throws {
        let server = try ServerProcess()
        let result = try server.request("POST", "/mixroute/v1/video/generations", headers: [("Content-Type", "application/json")], body: Array(limit.body.utf8))
        #expect(result.status == 400)
        #expect(result.error["param"] == .string(limit.param))
        #expect(result.error["message"]?.string?.contains(limit.contains) == true, "\(result.error["message"]?.string ?? "")")
    }
}

let fixtureNames = ["landscape.mp4", "landscape-audio.mp4", "portrait.mp4", "portrait-audio.mp4", "square.mp4", "square-audio.mp4"]
