import JSON
import Testing

@Suite("Encoding into a JSON tree")
struct JSONTreeEncoderTests {
    struct Task: Encodable {
        struct Failure: Encodable { let code: String }
        let id: String
        let progress: Int
        let createdAt: Double
        let completedAt: Double?
        let error: Failure?
        let counts: [String: Int]
        let tags: [String]
        let parameters: JSONObject

        enum CodingKeys: String, CodingKey {
            case id, progress, createdAt = "created_at", completedAt = "completed_at", error, counts, tags, parameters
        }
    }

    @Test("fields in declaration order, nil as null, dictionaries by key, JSON values as they are")
    func shape() throws {
        let task = Task(
            id: "video_1", progress: 40, createdAt: 1.5, completedAt: nil, error: Task.Failure(code: "x"),
            counts: ["b": 2, "a": 1, "c": 3], tags: ["one", "two"], parameters: ["seconds": "8", "size": ["w": 1280]])
        let json = try JSON(encoding: task)
        #expect(
            json == [
                "id": "video_1", "progress": 40, "created_at": 1.5, "completed_at": nil, "error": ["code": "x"],
                "counts": ["a": 1, "b": 2, "c": 3], "tags": ["one", "two"], "parameters": ["seconds": "8", "size": ["w": 1280]],
            ])
        #expect(
            String(decoding: json.bytes, as: UTF8.self).hasPrefix(#"{"id":"video_1","progress":40,"created_at":1.5,"completed_at":null"#))
    }

    @Test("an integer too large for Int is refused, naming where it is")
    func overflow() {
        struct Big: Encodable { let size: UInt64 }
        #expect(throws: EncodingError.self) { try JSON(encoding: Big(size: .max)) }
    }
}
