/// Decodes a `Transfer-Encoding: chunked` body as its bytes arrive: chunk sizes (extensions
/// ignored), chunk data, the line end after each chunk, and trailers (read and dropped).
/// A pure state machine over bytes, like `RequestHead.parse`: the connection feeds it what it
/// has read and drains what it consumed.
package struct ChunkedBodyDecoder: Sendable {
    package enum Outcome: Equatable, Sendable {
        /// Every byte given was used; feed more.
        case needsMore
        /// The body is complete; bytes after those consumed belong to the next request.
        case complete
        /// The body is malformed or too large: answer `status` and close.
        case failed(status: Int, reason: String)
    }

    private enum Phase: Sendable {
        case size
        case data(remaining: Int)
        case dataEnd
        case trailers
    }

    /// Longest chunk-size line accepted.
    static let maxSizeLine = 4096

    package private(set) var body: [UInt8] = []
    private var phase = Phase.size
    private let maxBodyBytes: Int
    private let maxTrailerBytes: Int

    package init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Consumes what it can of `bytes`. On `.needsMore` all of them were used (a line cut in
    /// half is kept back: `consumed` tells how much to drain).
    package mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>) -> (consumed: Int, outcome: Outcome) {
        var offset = 0
        while true {
            let rest = UnsafeBufferPointer(rebasing: bytes[offset...])
            switch phase {
            case .size:
                switch Self.line(in: rest, limit: Self.maxSizeLine) {
                case .incomplete: return (offset, .needsMore)
                case .tooLong: return (offset, .failed(status: 400, reason: "line too long in chunked body"))
                case .line(let line, let length):
                    offset += length
                    guard let size = Self.chunkSize(line) else { return (offset, .failed(status: 400, reason: "malformed chunk size")) }
                    if body.count + size > maxBodyBytes {
                        return (offset, .failed(status: 413, reason: "request body exceeds the limit of \(maxBodyBytes) bytes"))
                    }
                    phase = size == 0 ? .trailers : .data(remaining: size)
                }
            case .data(let remaining):
                let count = min(remaining, rest.count)
                body.append(contentsOf: rest[..<count])
                offset += count
                guard count == remaining else {
                    phase = .data(remaining: remaining - count)
                    return (offset, .needsMore)
                }
                phase = .dataEnd
            case .dataEnd:
                switch Self.line(in: rest, limit: 2) {
                case .incomplete: return (offset, .needsMore)
                case .tooLong: return (offset, .failed(status: 400, reason: "line too long in chunked body"))
                case .line(let line, let length):
                    offset += length
                    guard line.isEmpty else { return (offset, .failed(status: 400, reason: "malformed chunk: data longer than its size")) }
                    phase = .size
                }
            case .trailers:
                switch Self.line(in: rest, limit: maxTrailerBytes) {
                case .incomplete: return (offset, .needsMore)
                case .tooLong: return (offset, .failed(status: 400, reason: "line too long in chunked body"))
                case .line(let line, let length):
                    offset += length
                    if line.isEmpty { return (offset, .complete) }
                }
            }
        }
    }

    private enum Line {
        /// The line without its end (LF or CRLF), and its length with it.
        case line(UnsafeBufferPointer<UInt8>.SubSequence, length: Int)
        case incomplete
        case tooLong
    }

    /// The first line of `bytes`, if it has arrived; too long when `limit` bytes came without its end.
    private static func line(in bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> Line {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return bytes.count > limit ? .tooLong : .incomplete }
        var end = newline
        if end > bytes.startIndex, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return .line(bytes[bytes.startIndex..<end], length: newline - bytes.startIndex + 1)
    }

    /// The hexadecimal size before any `;extension`, at most 15 digits.
    private static func chunkSize(_ line: UnsafeBufferPointer<UInt8>.SubSequence) -> Int? {
        let digits = line.prefix { $0 != UInt8(ascii: ";") }.drop { $0 == 0x20 || $0 == 0x09 }
        let trimmed = digits.reversed().drop { $0 == 0x20 || $0 == 0x09 }.reversed()
        guard !trimmed.isEmpty, trimmed.count <= 15 else { return nil }
        var size = 0
        for byte in trimmed {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            size = size * 16 + value
        }
        return size
    }
}
