import Testing

@testable import HTTPServer

@Suite("Chunked bodies")
struct ChunkedBodyDecoderTests {
    /// Feeds `pieces` as a socket would deliver them, keeping back what the decoder did not
    /// consume; returns the outcome, the body and the bytes left after it.
    func decode(_ pieces: [[UInt8]], maxBody: Int = 1 << 20) -> (ChunkedBodyDecoder.Outcome, [UInt8], [UInt8]) {
        var decoder = ChunkedBodyDecoder(maxBodyBytes: maxBody, maxTrailerBytes: 1024)
        var pending: [UInt8] = []
        for (index, piece) in pieces.enumerated() {
            pending += piece
            let (consumed, outcome) = pending.withUnsafeBufferPointer { decoder.feed($0) }
            pending.removeFirst(consumed)
            if outcome != .needsMore { return (outcome, decoder.body, pending + pieces[(index + 1)...].joined()) }
        }
        return (.needsMore, decoder.body, pending)
    }

    let message = Array("4;name=value\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\nGET /next".utf8)

    @Test("decodes sizes, extensions, data and trailers, and leaves the next request's bytes alone")
    func whole() {
        let (outcome, body, rest) = decode([message])
        #expect(outcome == .complete)
        #expect(body == Array("Wikipedia in \r\n\r\nchunks.".utf8))
        #expect(rest == Array("GET /next".utf8))
    }

    @Test("gives the same body whichever byte boundaries the input arrives on")
    func everySplit() {
        for split in 1..<message.count {
            let (outcome, body, rest) = decode([Array(message[..<split]), Array(message[split...])])
            #expect(outcome == .complete, "split at \(split)")
            #expect(body == Array("Wikipedia in \r\n\r\nchunks.".utf8), "split at \(split)")
            #expect(rest == Array("GET /next".utf8), "split at \(split)")
        }
        let (outcome, body, _) = decode(message.map { [$0] })
        #expect(outcome == .complete)
        #expect(body.count == 24)
    }

    @Test("accepts bare LF line ends and upper-case hex")
    func lenient() {
        let (outcome, body, rest) = decode([Array("A\nabcdefghij\n0\n\n".utf8)])
        #expect(outcome == .complete)
        #expect(body == Array("abcdefghij".utf8))
        #expect(rest.isEmpty)
    }

    @Test(
        "refuses malformed or oversized bodies with the status to answer",
        arguments: [
            ("zz\r\n", 400, "malformed chunk size"),
            ("\r\n", 400, "malformed chunk size"),
            ("1234567890abcdef0\r\n", 400, "malformed chunk size"),
            ("3\r\nabcdef\r\n", 400, "malformed chunk: data longer than its size"),
            ("401\r\n", 413, "request body exceeds the limit of 1024 bytes"),
            ("200\r\n" + String(repeating: "a", count: 512) + "\r\n201\r\n", 413, "request body exceeds the limit of 1024 bytes"),
            (String(repeating: "0", count: 5000), 400, "line too long in chunked body"),
        ])
    func refuses(_ text: String, _ status: Int, _ reason: String) {
        let (outcome, _, _) = decode([Array(text.utf8)], maxBody: 1024)
        #expect(outcome == .failed(status: status, reason: reason))
    }

    @Test("waits for more while a chunk is incomplete")
    func incomplete() {
        let (outcome, body, rest) = decode([Array("8\r\nabc".utf8)])
        #expect(outcome == .needsMore)
        #expect(body == Array("abc".utf8))
        #expect(rest.isEmpty)
    }
}
