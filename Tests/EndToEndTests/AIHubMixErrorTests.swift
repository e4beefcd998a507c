import JSON
import Testing

/// Every error a client can cause, with its status and the error envelope naming what is wrong.
@Suite("AIHubMix errors")
struct AIHubMixErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let body: String
        let param: String?
        let code: String
        let messageContains: String
        var testDescription: String { "\(code) for \(param ?? "-"): \(body.prefix(60))" }
    }

    static let cases: [Case] = [
        Case(
            body: #"{"prompt": "p"}"#, param: "model", code: "missing_required_parameter",
            messageContains: "Missing required parameter: 'model'"),
        Case(body: #"{"model": 7, "prompt": "p"}"#, param: "model", code: "invalid_type", messageContains: "'model' must be a string"),
        Case(
            body: #"{"model": "sora-3", "prompt": "p"}"#, param: "model", code: "model_not_found",
            messageContains: "Unknown model 'sora-3': it is not a video model of this API. Available video models: sora-2, sora-2-pro,"),
        Case(
            body: #"{"model": "sora-2"}"#, param: "prompt", code: "missing_required_parameter",
            messageContains: "Missing required parameter 'prompt'"),
        Case(body: #"{"model": "sora-2", "prompt": ""}"#, param: "prompt", code: "invalid_value", messageContains: "must not be empty"),
        Case(
            body: #"{"model": "sora-2", "prompt": "p", "seconds": "10"}"#, param: "seconds", code: "invalid_value",
            messageContains: #"accepts one of: "4", "8", "12""#),
        Case(
            body: #"{"model": "sora-2", "prompt": "p", "seconds": true}"#, param: "seconds", code: "invalid_type",
            messageContains: "must be an integer (or a string of digits), got the boolean true"),
        Case(
            body: #"{"model": "sora-2", "prompt": "p", "size": "1920x1080"}"#, param: "size", code: "invalid_value",
            messageContains: #""720x1280", "1280x720", "1024x1792", "1792x1024""#),
        Case(
            body: #"{"model": "sora-2", "prompt": "p", "duration": 8}"#, param: "duration", code: "unsupported_parameter",
            messageContains: "Model sora-2 does not support 'duration'"),
        Case(
            body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "seconds": "5"}"#, param: "seconds", code: "invalid_value",
            messageContains: #""4", "6", "8""#),
        Case(
            body: #"{"model": "veo-3.1-generate-preview", "prompt": "p", "seconds": "4", "input_reference": "https://x.test/a.jpg"}"#,
            param: "seconds", code: "invalid_value", messageContains: #"only "8""#),
        Case(
            body: #"{"model": "veo-3.0-generate-preview", "prompt": "p", "input_reference": "https://x.test/a.jpg"}"#,
            param: "input_reference", code: "unsupported_parameter", messageContains: "does not support 'input_reference'"),
        Case(
            body: #"{"model": "veo-2.0-generate-001", "prompt": "p", "size": "4k"}"#, param: "size", code: "invalid_value",
            messageContains: "veo-2.0-generate-001 accepts"),
        Case(
            body: #"{"model": "veo-2.0-generate-001", "prompt": "p", "seconds": "9"}"#, param: "seconds", code: "invalid_value",
            messageContains: "an integer from 5 to 8"),
        Case(
            body: #"{"model": "wan2.6-t2v", "prompt": "p", "seconds": "16"}"#, param: "seconds", code: "invalid_value",
            messageContains: "an integer from 2 to 15"),
        Case(
            body: #"{"model": "wan2.6-t2v", "prompt": "p", "size": "832x480"}"#, param: "size", code: "invalid_value",
            messageContains: "wan2.6-t2v accepts"),
        Case(
            body: #"{"model": "wan2.2-t2v-plus", "prompt": "p", "seconds": "10"}"#, param: "seconds", code: "invalid_value",
            messageContains: #"only "5""#),
        Case(
            body: #"{"model": "wan2.6-i2v", "prompt": "p"}"#, param: "input_reference", code: "missing_required_parameter",
            messageContains: "Missing required parameter 'input_reference'"),
        Case(
            body: #"{"model": "wan2.6-i2v", "prompt": "p", "input_reference": "data:image/png;base64,@@@"}"#, param: "input_reference",
            code: "invalid_value", messageContains: "base64 payload is invalid"),
        Case(
            body: #"{"model": "wan2.6-i2v", "prompt": "p", "input_reference": {"mime_type": "image/png", "data": "%%"}}"#,
            param: "input_reference", code: "invalid_value", messageContains: "'input_reference.data' is not valid base64"),
        Case(
            body: #"{"model": "jimeng-3.0-pro", "prompt": "p", "size": "2:1"}"#, param: "size", code: "invalid_value",
            messageContains: #""21:9""#),
        Case(
            body: #"{"model": "doubao-seedance-2-0-260128", "prompt": "p", "duration": 3}"#, param: "duration", code: "invalid_value",
            messageContains: #"an integer from 4 to 15, or only "-1""#),
        Case(
            body: #"{"model": "doubao-seedance-2-0-260128", "prompt": "p", "resolution": "1080p"}"#, param: "resolution",
            code: "invalid_value", messageContains: #""480p", "720p""#),
        Case(
            body: #"{"model": "doubao-seedance-2-0-260128", "prompt": "p", "extra_body": {"ratio": "2:1"}}"#, param: "extra_body.ratio",
            code: "invalid_value", messageContains: "Invalid value for 'extra_body.ratio'"),
        Case(
            body: #"{"model": "doubao-seedance-2-0-260128", "prompt": "p", "extra_body": {"content": [{"type": "gif_url"}]}}"#,
            param: "extra_body.content[0].type", code: "invalid_value", messageContains: "image_url, video_url, audio_url"),
        Case(
            body: #"{"model": "kling-v2-6", "prompt": "p", "size": "1280x720"}"#, param: "size", code: "unsupported_parameter",
            messageContains: "does not support 'size'"),
        Case(
            body: #"{"model": "kling-v2-6", "prompt": "p", "cfg_scale": 0.5}"#, param: "cfg_scale", code: "unsupported_parameter",
            messageContains: "does not support 'cfg_scale'"),
        Case(
            body: #"{"model": "kling-v1", "prompt": "p", "cfg_scale": 1.5}"#, param: "cfg_scale", code: "invalid_value",
            messageContains: "a number from 0 to 1"),
        Case(
            body: #"{"model": "kling-v1", "prompt": "p", "duration": "3"}"#, param: "duration", code: "invalid_value",
            messageContains: #""5", "10""#),
        Case(
            body: #"{"model": "kling-v1", "prompt": "p", "mode": "8k"}"#, param: "mode", code: "invalid_value",
            messageContains: #""std", "pro", "4k""#),
        Case(
            body: #"{"model": "kling-v3", "prompt": "p", "camera_angle": "low"}"#, param: "camera_angle", code: "unknown_parameter",
            messageContains: "Unsupported parameter 'camera_angle'"),
        Case(
            body:
                Example.body("aihubmix-error-kling-v1-6.json"),
            param: "image_list", code: "invalid_value", messageContains: "has 5 items; model kling-v1-6 accepts at most 4"),
        Case(
            body: #"{"model": "kling-v2-1", "prompt": "p", "image_list": ["https://a.test/1.png"]}"#, param: "image_list",
            code: "unsupported_parameter", messageContains: "does not support 'image_list'"),
        Case(
            body: #"{"model": "kling-video-o1", "prompt": "p", "sound": "loud"}"#, param: "sound", code: "invalid_value",
            messageContains: #""on", "off""#),
        Case(body: #"[1, 2]"#, param: nil, code: "invalid_json", messageContains: "must be a JSON object, got an array"),
        Case(
            body: #"{"model": "sora-2", "prompt": "p",}"#, param: nil, code: "invalid_json",
            messageContains: "expected a string key at line 1, column 35"),
        Case(body: "", param: nil, code: "invalid_json", messageContains: "The request body is empty"),
    ]

    @Test("each bad create gets a 400 naming the parameter and what is allowed", arguments: cases)
    func badCreate(_ example: Case) throws {
        let server = try RoutedServer()
        let result = try server.request(
            "POST", "/v1/videos", headers: [("Content-Type", "application/json")], body: Array(example.body.utf8))
        #expect(result.status == 400)
        #expect(result.header("Content-Type") == "application/json")
        #expect(result.error["type"] == "invalid_request_error")
        #expect(result.error["code"] == .string(example.code))
        #expect(result.error["param"] == JSON(example.param))
        let message = result.error["message"]?.string ?? ""
        #expect(message.contains(example.messageContains), "message was: \(message)")
        // The server keeps serving.
        #expect(try server.get("/__admin/health", key: nil).status == 200)
    }

    @Test("a bad request loses nothing: tasks created before are still there")
    func nothingLost() throws {
        let server = try RoutedServer()
        let id = try server.create(["model": "sora-2", "prompt": "keep me"])
        for body in ["{", "null", #"{"model": "x"}"#, String(repeating: "[", count: 5000)] {
            #expect(
                try server.request("POST", "/v1/videos", headers: [("Content-Type", "application/json")], body: Array(body.utf8)).status
                    == 400)
        }
        #expect(try server.get("/v1/videos/\(id)").json["prompt"] == "keep me")
    }

    @Test("without a bearer token, or with one not given by --api-key, answers 401")
    func authentication() throws {
        let server = try RoutedServer(["--api-key", "sk-good", "--api-key", "sk-also-good"])
        let missing = try server.get("/v1/videos", key: nil)
        #expect(missing.status == 401)
        #expect(missing.error["code"] == "invalid_api_key")
        #expect(missing.header("WWW-Authenticate") == "Bearer")
        let wrong = try server.get("/v1/videos", key: "sk-wrong-key")
        #expect(wrong.status == 401)
        #expect(wrong.error["message"] == "Incorrect API key provided: sk-w...-key.")
        let basic = try server.request("GET", "/v1/videos", headers: [("Authorization", "Basic abc")], key: nil)
        #expect(basic.status == 401)
        #expect(try server.get("/v1/videos", key: "sk-good").status == 200)
        #expect(try server.get("/v1/videos", key: "sk-also-good").status == 200)
    }

    @Test("a body larger than --max-body gets a JSON 413 before it is read")
    func tooLarge() throws {
        let server = try InProcessServer(["--max-body", "1000"])
        let connection = try HTTPConnection(port: server.port)
        try connection.write(
            "POST /v1/videos HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\n"
                + "Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n"
        )
        let result = try connection.readResponse()
        #expect(result.status == 413)
        #expect(result.error["code"] == "request_too_large")
        #expect(result.error["message"] == "request body of 5000000 bytes exceeds the limit of 1000 bytes")
        #expect(try server.post("/v1/videos", json: ["model": "sora-2", "prompt": "fits"]).status == 200)
    }

    @Test("an unsupported Content-Type gets 415")
    func unsupportedMediaType() throws {
        let server = try RoutedServer()
        let result = try server.request("POST", "/v1/videos", headers: [("Content-Type", "application/xml")], body: Array("<video/>".utf8))
        #expect(result.status == 415)
        #expect(result.error["message"]?.string?.contains("application/json or multipart/form-data") == true)
    }

    @Test("broken multipart bodies get a 400 that says what is broken")
    func brokenMultipart() throws {
        let server = try RoutedServer()
        let noBoundary = try server.request("POST", "/v1/videos", headers: [("Content-Type", "multipart/form-data")], body: Array("x".utf8))
        #expect(noBoundary.status == 400)
        #expect(noBoundary.error["message"]?.string?.contains("no valid boundary") == true)
        let unterminated = try server.request(
            "POST", "/v1/videos", headers: [("Content-Type", "multipart/form-data; boundary=zz")],
            body: Array("--zz\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nsora-2".utf8))
        #expect(unterminated.status == 400)
        #expect(unterminated.error["code"] == "invalid_multipart")
        #expect(unterminated.error["message"]?.string?.contains("unterminated part") == true)
    }

    @Test("unknown paths get a 404 naming the known prefixes; known paths with the wrong method get 405 and Allow")
    func routing() throws {
        let server = try RoutedServer()
        let unknown = try server.get("/v2/videos")
        #expect(unknown.status == 404)
        #expect(
            unknown.error["message"]
                == "No route for GET /v2/videos. Known prefixes: /aihubmix/v1, /mixroute/v1, /amux/v1, /v1 (aihubmix), /__admin.")
        let wrongMethod = try server.request("PUT", "/v1/videos/abc")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, DELETE")
    }
}
