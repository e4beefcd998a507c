import Foundation
import Testing
import VideoMockTesting

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A small client of the kind the users of VideoMock write: submit, poll until done, download.
struct VideoClient {
    let baseURL: URL
    let apiKey: String

    struct Video: Decodable {
        let id: String
        let status: String
        let error: Failure?
    }

    struct Failure: Decodable {
        let code: String
        let message: String
    }

    func create(model: String, prompt: String, seconds: String) async throws -> Video {
        var request = authorized(baseURL.appendingPathComponent("videos"))
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["model": model, "prompt": prompt, "seconds": seconds])
        return try JSONDecoder().decode(Video.self, from: try await URLSession.shared.data(for: request).0)
    }

    func video(_ id: String) async throws -> Video {
        let request = authorized(baseURL.appendingPathComponent("videos/\(id)"))
        return try JSONDecoder().decode(Video.self, from: try await URLSession.shared.data(for: request).0)
    }

    func download(_ id: String) async throws -> Data {
        try await URLSession.shared.data(for: authorized(baseURL.appendingPathComponent("videos/\(id)/content"))).0
    }

    private func authorized(_ url: URL) -> URLRequest {
        var request = URLRequest(url: url)
        request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        return request
    }
}

@Suite("A client tested against VideoMock from another package")
struct VideoClientTests {
    @Test("a video is created, completes when the clock says so, and downloads as an MP4")
    func happyPath() async throws {
        try await withVideoMock({ $0.clock = .manual }) { mock in
            let client = VideoClient(baseURL: mock.baseURL(.aihubmix), apiKey: "sk-external")
            let created = try await client.create(model: "sora-2", prompt: "A lighthouse at dusk", seconds: "4")
            #expect(created.status == "queued")
            try await mock.admin.advance(by: 10)
            #expect(try await client.video(created.id).status == "completed")
            let mp4 = try await client.download(created.id)
            #expect(mp4[4..<8] == Data("ftyp".utf8))
        }
    }

    @Test("a scripted content-policy failure reaches the client")
    func failure() async throws {
        let mock = try VideoMockTestServer {
            $0.timeScale = 0
            $0.scenarioTexts = [
                """
                version: 1
                rules:
                  - when: { prompt_contains: forbidden }
                    outcome: { fail: { code: content_policy_violation, message: blocked } }
                """
            ]
        }
        defer { mock.stop() }
        let client = VideoClient(baseURL: mock.baseURL(.aihubmix), apiKey: "sk-external")
        let created = try await client.create(model: "sora-2", prompt: "something forbidden", seconds: "4")
        let failed = try await client.video(created.id)
        #expect(failed.status == "failed")
        #expect(failed.error?.code == "content_policy_violation")
        #expect(try await mock.admin.scoped(to: "sk-external").count(RequestFilter(endpoint: "create")) == 1)
    }
}
