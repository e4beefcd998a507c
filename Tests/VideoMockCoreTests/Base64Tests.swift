import Foundation
import Testing

@testable import VideoMockCore

@Suite("Base64")
struct Base64Tests {
    @Test("encodes as RFC 4648 does, padded and URL-safe", arguments: [0, 1, 2, 3, 4, 5, 64, 255, 1000])
    func encodes(_ count: Int) {
        let bytes = (0..<count).map { UInt8(($0 * 37 + 11) % 256) }
        let expected = Data(bytes).base64EncodedString()
        #expect(Base64.encode(bytes) == expected)
        let urlSafe = expected.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        #expect(Base64.encode(bytes, urlSafe: true, padding: false) == urlSafe)
        #expect(Base64.decode(expected) == (count == 0 ? nil : bytes))
        #expect(Base64.decode(urlSafe) == (count == 0 ? nil : bytes))
    }

    @Test("the RFC's test vectors")
    func vectors() {
        let vectors = [("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")]
        for (text, encoded) in vectors {
            #expect(Base64.encode(Array(text.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(text.utf8))
            #expect(Base64.decodedCount(encoded) == text.utf8.count)
        }
    }

    @Test("refuses what is not base64", arguments: ["", "a", "Zg=a", "Zg===", "Z g=", "Zm9v!", "Zm8==="])
    func refuses(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test("skips line breaks, as MIME-wrapped base64 has them")
    func lineBreaks() {
        #expect(Base64.decode("Zm9v\r\nYmFy") == Array("foobar".utf8))
    }
}
