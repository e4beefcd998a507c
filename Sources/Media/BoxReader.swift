/// Reads the few things VideoMock needs from an MP4 made at fixture time: a track's sample
/// entry configuration (avcC, esds) and its samples' bytes.
struct BoxReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let data: [UInt8]

    /// The first box of `type` directly inside `range`, as (contents range).
    func child(_ type: String, in range: Range<Int>) -> Range<Int>? {
        children(in: range).first { $0.type == type }?.contents
    }

    func children(in range: Range<Int>) -> [(type: String, contents: Range<Int>)] {
        var result: [(String, Range<Int>)] = []
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            var size = Int(u32(at: offset))
            let type = String(decoding: data[(offset + 4)..<(offset + 8)], as: UTF8.self)
            var header = 8
            if size == 1, offset + 16 <= range.upperBound {
                size = Int(u64(at: offset + 8))
                header = 16
            } else if size == 0 {
                size = range.upperBound - offset
            }
            guard size >= header, offset + size <= range.upperBound else { break }
            result.append((type, (offset + header)..<(offset + size)))
            offset += size
        }
        return result
    }

    /// Follows a path of box types from the top: `["moov", "trak"]`.
    func path(_ types: [String], in range: Range<Int>? = nil) -> Range<Int>? {
        var current = range ?? 0..<data.count
        for type in types {
            guard let next = child(type, in: current) else { return nil }
            current = next
        }
        return current
    }

    func u16(at offset: Int) -> UInt16 { UInt16(data[offset]) << 8 | UInt16(data[offset + 1]) }
    func u32(at offset: Int) -> UInt32 { (0..<4).reduce(0) { $0 << 8 | UInt32(data[offset + $1]) } }
    func u64(at offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 << 8 | UInt64(data[offset + $1]) } }

    /// The one track whose handler is `handler` (`vide`, `soun`): its sample description entry
    /// (after the 8-byte box header) and its samples, in decoding order.
    func track(_ handler: String) throws(Failure) -> (entry: (type: String, contents: Range<Int>), samples: [[UInt8]]) {
        guard let moov = path(["moov"]) else { throw Failure(description: "no moov box") }
        for trak in children(in: moov) where trak.type == "trak" {
            guard let mdia = child("mdia", in: trak.contents), let hdlr = child("hdlr", in: mdia),
                String(decoding: data[(hdlr.lowerBound + 8)..<(hdlr.lowerBound + 12)], as: UTF8.self) == handler,
                let stbl = path(["minf", "stbl"], in: mdia), let stsd = child("stsd", in: stbl),
                let stsz = child("stsz", in: stbl), let stsc = child("stsc", in: stbl)
            else { continue }
            let entry = children(in: (stsd.lowerBound + 8)..<stsd.upperBound).first
            guard let entry else { throw Failure(description: "no sample entry") }
            // Sample sizes.
            let constant = Int(u32(at: stsz.lowerBound + 4)), count = Int(u32(at: stsz.lowerBound + 8))
            let sizes = (0..<count).map { constant != 0 ? constant : Int(u32(at: stsz.lowerBound + 12 + 4 * $0)) }
            // Chunk offsets.
            var offsets: [Int] = []
            if let stco = child("stco", in: stbl) {
                offsets = (0..<Int(u32(at: stco.lowerBound + 4))).map { Int(u32(at: stco.lowerBound + 8 + 4 * $0)) }
            } else if let co64 = child("co64", in: stbl) {
                offsets = (0..<Int(u32(at: co64.lowerBound + 4))).map { Int(u64(at: co64.lowerBound + 8 + 8 * $0)) }
            }
            // Samples per chunk, run-length coded by first chunk.
            let runs = (0..<Int(u32(at: stsc.lowerBound + 4))).map { index in
                (first: Int(u32(at: stsc.lowerBound + 8 + 12 * index)), count: Int(u32(at: stsc.lowerBound + 12 + 12 * index)))
            }
            var samples: [[UInt8]] = []
            var sample = 0
            for (chunk, offset) in offsets.enumerated() {
                let perChunk = runs.last { $0.first <= chunk + 1 }?.count ?? 0
                var position = offset
                for _ in 0..<perChunk where sample < sizes.count {
                    guard position + sizes[sample] <= data.count else { throw Failure(description: "sample beyond the file") }
                    samples.append(Array(data[position..<(position + sizes[sample])]))
                    position += sizes[sample]
                    sample += 1
                }
            }
            return (entry, samples)
        }
        throw Failure(description: "no \(handler) track")
    }
}
