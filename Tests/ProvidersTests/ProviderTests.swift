import Foundation
import HTTPServer
import JSON
import Testing
import VideoMockCore

@testable import Providers

@Suite("Providers translate")
struct ProviderTests {
    @Test("AIHubMix: a Sora create is an OpenAI Video object with the SDK's poll hint")
    func soraCreate() throws {
        let aihubmix = try AIHubMix(tasks: try makeEngine())
        let created = try aihubmix.call(
            "POST", "/videos", body: ["model": "sora-2", "prompt": "a fox", "seconds": "8", "size": "1280x720"])
        #expect(created.status == 200)
        #expect(created.json["object"] == "video")
        #expect(created.json["status"] == "queued")
        #expect(created.json["seconds"] == "8")
        #expect(created.json["size"] == "1280x720")
        #expect(created.headers["openai-poll-after-ms"] == "1000")
    }

    @Test("AIHubMix: a refused value names its parameter in the OpenAI envelope")
    func refusal() throws {
        let aihubmix = try AIHubMix(tasks: try makeEngine())
        let refused = try aihubmix.call("POST", "/videos", body: ["model": "sora-2", "prompt": "a fox", "seconds": "7"])
        #expect(refused.status == 400)
        #expect(refused.json["error"]?["param"] == "seconds")
        #expect(refused.json["error"]?["code"] == "invalid_value")
        #expect(refused.json["error"]?["type"] == "invalid_request_error")
    }

    @Test("AIHubMix: Kling has no delete, and says so with 501")
    func klingDelete() throws {
        let aihubmix = try AIHubMix(tasks: try makeEngine())
        let created = try aihubmix.call("POST", "/videos", body: ["model": "kling-v2-6", "prompt": "a fox"])
        let id = try #require(created.json["id"]?.string)
        let deleted = try aihubmix.call("DELETE", "/videos/{video_id}", parameters: ["video_id": id])
        #expect(deleted.status == 501)
        #expect(deleted.json["error"]?["type"] == "not_supported")
    }

    @Test("Mixroute: the Veo page's submit reply is pending with created_at, the others submitted with format")
    func submitReplies() throws {
        let mixroute = try Mixroute(tasks: try makeEngine())
        let veo = try mixroute.call("POST", "/video/generations", body: ["model": "veo-3.1-generate-preview", "prompt": "a fox"])
        #expect(veo.json["status"] == "pending")
        #expect(veo.json["created_at"]?.int != nil)
        #expect(veo.json["task_id"]?.string?.hasPrefix("task_") == true)
        let sora = try mixroute.call("POST", "/video/generations", body: ["model": "sora-2", "prompt": "a fox"])
        #expect(sora.json["status"] == "submitted")
        #expect(sora.json["format"] == "mp4")
        #expect(sora.json["task_id"]?.string?.hasPrefix("video_") == true)
    }

    @Test("Mixroute: what scenario rules see of a request, through its own hooks")
    func hooks() throws {
        let mixroute = try Mixroute(tasks: try makeEngine())
        let doubao: JSONObject = ["metadata": ["content": [["type": "text", "text": "a cat --ratio 1:1"]]]]
        #expect(mixroute.prompt(in: doubao) == "a cat --ratio 1:1")
        #expect(mixroute.prompt(in: ["prompt": "plain"]) == "plain")
        var link = HTTPRequest(method: "GET", target: "/mixroute/files/video_abc.mp4")
        link.pathParameters = ["file": "video_abc.mp4"]
        #expect(mixroute.taskID(in: ProviderRequest(http: link, apiKey: "", basePath: "/mixroute")) == "video_abc")
        let amux = try Amux(tasks: try makeEngine())
        #expect(amux.prompt(in: doubao) == nil)
    }

    @Test(
        "a catalog attribute its provider does not read stops start-up at its line",
        arguments: [
            ("provider: mixroute\nmodels:\n  m:\n    attributes: { colour: red }\n", "unknown attribute 'colour' of model m"),
            (
                "provider: mixroute\nmodels:\n  m:\n    attributes: { input: form }\n",
                "unknown input 'form'; expected one of: fields, content"
            ),
            ("provider: amux\nmodels:\n  m:\n    attributes: { id_prefix: x_ }\n", "amux models take none"),
        ])
    func badAttributes(_ text: String, _ message: String) throws {
        let file = NSTemporaryDirectory() + "/catalog-\(UUID().uuidString).yaml"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let engine = try makeEngine(extraCatalogs: [file])
        #expect {
            _ = try ProviderRegistry.all(tasks: engine)
        } throws: { error in
            let error = try #require(error as? DocumentError)
            return error.line == 4 && error.message.contains(message)
        }
    }

    @Test("Amux: an unknown model is refused in the documented envelope, naming the parameter")
    func unknownModel() throws {
        let amux = try Amux(tasks: try makeEngine())
        let refused = try amux.call("POST", "/video/generations", body: ["model": "gpt-4o", "prompt": "p"])
        #expect(refused.status == 400)
        #expect(refused.json["error"]?["param"] == "model")
        #expect(refused.json["error"]?["type"] == "invalid_request_error")
        #expect(refused.json["error"]?["message"]?.string?.contains("gpt-4o") == true)
    }
}
