import Testing

@testable import JSON

@Suite("The direct JSON writer")
struct JSONWriterTests {
    @Test("writes what the tree writer writes for the same document")
    func sameBytes() {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("id", "video_1")
        writer.field("n", 42)
        writer.field("missing", nil as String?)
        writer.key("list")
        writer.beginArray()
        writer.int(1)
        writer.beginObject()
        writer.field("ok", true)
        writer.endObject()
        writer.string("a\"b")
        writer.endArray()
        writer.key("empty")
        writer.beginObject()
        writer.endObject()
        writer.key("tree")
        writer.value(["x": [1, 2]])
        writer.endObject()
        let tree: JSON = [
            "id": "video_1", "n": 42, "missing": nil, "list": [1, ["ok": true], "a\"b"], "empty": [:], "tree": ["x": [1, 2]],
        ]
        #expect(String(decoding: writer.bytes, as: UTF8.self) == tree.serialized)
    }

    @Test("escaping is found wherever it is needed, eight bytes at a time or one", arguments: 0..<24)
    func escaping(_ position: Int) {
        for special: UInt8 in [0x00, 0x0A, 0x1F, 0x22, 0x5C] {
            var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 24)
            bytes[position] = special
            #expect(bytes.withUnsafeBufferPointer { JSON.needsEscaping($0) })
        }
        var plain = [UInt8](repeating: UInt8(ascii: "a"), count: 24)
        plain[position] = 0xC3  // UTF-8 lead bytes and 0x20, 0x21, 0x23, 0x5B, 0x5D need none
        plain[(position + 1) % 24] = 0x20
        plain[(position + 2) % 24] = 0x23
        plain[(position + 3) % 24] = 0x5D
        #expect(!plain.withUnsafeBufferPointer { JSON.needsEscaping($0) })
    }

    @Test("numbers are their decimal digits, at every length and both ends of Int")
    func decimals() {
        var values = [0, 7, 9, 10, 99, 100, 101, 999, 1000, 1_795_256_024, Int.max, Int.min, Int.min + 1, -1, -10, -100]
        var power = 1
        for _ in 0..<18 {
            power *= 10
            values += [power - 1, power, power + 1, -power]
        }
        for value in values {
            var writer = JSONWriter()
            writer.int(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
            var array: [UInt8] = []
            array.appendDecimal(value)
            #expect(String(decoding: array, as: UTF8.self) == String(value))
        }
    }

    @Test("escaping is checked for strings of every length up to three words, a special byte anywhere")
    func escapingLengths() {
        for length in 0...24 {
            let plain = [UInt8](repeating: UInt8(ascii: "b"), count: length)
            #expect(!plain.withUnsafeBufferPointer { JSON.needsEscaping($0) })
            for position in 0..<length {
                var bytes = plain
                bytes[position] = 0x22
                #expect(bytes.withUnsafeBufferPointer { JSON.needsEscaping($0) }, "length \(length) at \(position)")
            }
        }
    }
}
