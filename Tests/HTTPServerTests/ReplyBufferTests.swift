import JSON
import Testing

@testable import HTTPServer

@Suite("The reply buffer")
struct ReplyBufferTests {
    /// A document of `count` members, each a string of `length` letters.
    static func document(_ count: Int, length: Int) -> HTTPResponse {
        .json { writer in
            writer.beginObject()
            writer.field("count", count)
            writer.key("items")
            writer.beginArray()
            for index in 0..<count { writer.string(String(repeating: Character(UnicodeScalar(UInt8(97 + index % 26))), count: length)) }
            writer.endArray()
            writer.endObject()
        }
    }

    @Test("a written body reads back as the tree writer writes the same document, its length told without a copy")
    func readsBack() {
        for (count, length) in [(0, 0), (1, 3), (40, 500)] {  // the last outgrows the buffer's first capacity
            let response = Self.document(count, length: length)
            let items = (0..<count).map { JSON.string(String(repeating: Character(UnicodeScalar(UInt8(97 + $0 % 26))), count: length)) }
            let expected = JSON.object(["count": .int(count), "items": .array(items)]).bytes
            guard case .written(let mark) = response.body else {
                Issue.record("not written into the reply buffer")
                continue
            }
            #expect(mark.count == expected.count)
            #expect(response.body.count == expected.count)
            #expect(response.body.bytes == expected)
            #expect(response.headers["Content-Type"] == "application/json")
        }
    }

    @Test("a materialized body keeps its bytes after the next body is written")
    func materializedOutlivesTheNext() {
        var first = Self.document(2, length: 10)
        let bytes = first.body.bytes
        first.body = first.body.materialized
        let second = Self.document(3, length: 30)
        #expect(first.body == .bytes(bytes!))
        #expect(second.body.bytes != bytes)
        #expect(first.body.bytes == bytes)
    }

    @Test("each thread writes into a buffer of its own")
    func threadsApart() async {
        await withTaskGroup(of: Bool.self) { group in
            for count in 1...8 {
                group.addTask {
                    (0..<200).allSatisfy { _ in
                        let response = Self.document(count, length: count)
                        return (try? JSON.parse(response.body.bytes ?? []))?["count"] == .int(count)
                    }
                }
            }
            for await ok in group { #expect(ok) }
        }
    }

    @Test("a body read after its thread wrote the next stops the process rather than give another reply's bytes")
    func staleReadStops() async {
        await #expect(processExitsWith: .failure) {
            let first = ReplyBufferTests.document(1, length: 5)
            _ = ReplyBufferTests.document(1, length: 6)
            _ = first.body.bytes
        }
    }
}
