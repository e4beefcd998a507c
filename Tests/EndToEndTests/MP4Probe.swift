import Foundation
import Testing

/// What an MP4's boxes say about it, read by the tests' own parser (independent of the one
/// that writes them): movie and track headers, sample descriptions and timing.
struct MP4Probe {
    struct Track {
        var handler: String
        var tkhdWidth: Int
        var tkhdHeight: Int
        /// The sample entry's type (`avc1`, `mp4a`) and, for video, its width and height.
        var entry: String
        var entryWidth: Int
        var entryHeight: Int
        var timescale: Int
        var duration: Int
        /// `stts`: runs of (sample count, sample duration).
        var stts: [(count: Int, delta: Int)]
        var sampleCount: Int { stts.reduce(0) { $0 + $1.count } }
        var seconds: Double { Double(duration) / Double(timescale) }
        /// Frames a second, when every sample lasts as long.
        var fps: Double? { stts.count == 1 ? Double(timescale) / Double(stts[0].delta) : nil }
    }

    var topLevel: [String] = []
    var movieSeconds = 0.0
    var video: Track?
    var audio: Track?

    private let bytes: [UInt8]

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        let top = boxes(0..<bytes.count)
        topLevel = top.map(\.type)
        guard let moov = top.first(where: { $0.type == "moov" }) else { throw TestFailure("no moov box") }
        for box in boxes(moov.body) {
            switch box.type {
            case "mvhd":
                let timescale = u32(box.body.lowerBound + 12), duration = u32(box.body.lowerBound + 16)
                movieSeconds = Double(duration) / Double(timescale)
            case "trak":
                let track = try self.track(box.body)
                if track.handler == "vide" { video = track } else if track.handler == "soun" { audio = track }
            default: break
            }
        }
    }

    private func u16(_ offset: Int) -> Int { Int(bytes[offset]) << 8 | Int(bytes[offset + 1]) }
    private func u32(_ offset: Int) -> Int { (0..<4).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) } }
    private func u64(_ offset: Int) -> Int { (0..<8).reduce(0) { $0 << 8 | Int(bytes[offset + $1]) } }

    private func boxes(_ range: Range<Int>) -> [(type: String, body: Range<Int>)] {
        var result: [(String, Range<Int>)] = []
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            var size = u32(offset), header = 8
            if size == 1 {
                size = u64(offset + 8)
                header = 16
            }
            guard size >= header, offset + size <= range.upperBound else { break }
            result.append((String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self), (offset + header)..<(offset + size)))
            offset += size
        }
        return result
    }

    private func child(_ type: String, _ range: Range<Int>) throws -> Range<Int> {
        guard let found = boxes(range).first(where: { $0.type == type }) else { throw TestFailure("no \(type) box") }
        return found.body
    }

    private func track(_ trak: Range<Int>) throws -> Track {
        let tkhd = try child("tkhd", trak)
        let mdia = try child("mdia", trak)
        let mdhd = try child("mdhd", mdia)
        let hdlr = try child("hdlr", mdia)
        let stbl = try child("stbl", try child("minf", mdia))
        let stsd = try child("stsd", stbl)
        let entry = boxes((stsd.lowerBound + 8)..<stsd.upperBound)[0]
        let stts = try child("stts", stbl)
        let runs = (0..<u32(stts.lowerBound + 4)).map {
            (count: u32(stts.lowerBound + 8 + 8 * $0), delta: u32(stts.lowerBound + 12 + 8 * $0))
        }
        let isVideo = entry.type == "avc1"
        return Track(
            handler: String(decoding: bytes[(hdlr.lowerBound + 8)..<(hdlr.lowerBound + 12)], as: UTF8.self),
            tkhdWidth: u32(tkhd.lowerBound + 76) >> 16, tkhdHeight: u32(tkhd.lowerBound + 80) >> 16, entry: entry.type,
            entryWidth: isVideo ? u16(entry.body.lowerBound + 24) : 0, entryHeight: isVideo ? u16(entry.body.lowerBound + 26) : 0,
            timescale: u32(mdhd.lowerBound + 12), duration: u32(mdhd.lowerBound + 16), stts: runs)
    }
}

/// Checks that `bytes` is the video a task reported: H.264 at `width`x`height`, `seconds` long
/// at `fps`, with an AAC track of the same length exactly when `audio`, and `moov` before `mdat`.
func expectVideo(
    _ bytes: [UInt8], width: Int, height: Int, seconds: Int, fps: Int = 24, audio: Bool, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard let probe = try? MP4Probe(bytes) else {
        Issue.record("not an MP4 this test can read (\(bytes.count) bytes)", sourceLocation: sourceLocation)
        return
    }
    #expect(probe.topLevel.prefix(3) == ["ftyp", "moov", "mdat"], sourceLocation: sourceLocation)
    #expect(probe.movieSeconds == Double(seconds), sourceLocation: sourceLocation)
    let video = probe.video
    #expect(video?.entry == "avc1", sourceLocation: sourceLocation)
    #expect(
        video?.tkhdWidth == width && video?.tkhdHeight == height, "tkhd \(video?.tkhdWidth ?? 0)x\(video?.tkhdHeight ?? 0)",
        sourceLocation: sourceLocation)
    #expect(video?.entryWidth == width && video?.entryHeight == height, sourceLocation: sourceLocation)
    #expect(video?.seconds == Double(seconds), sourceLocation: sourceLocation)
    #expect(video?.fps == Double(fps), sourceLocation: sourceLocation)
    #expect(video?.sampleCount == seconds * fps, sourceLocation: sourceLocation)
    #expect((probe.audio != nil) == audio, "audio track present: \(probe.audio != nil)", sourceLocation: sourceLocation)
    if let sound = probe.audio {
        #expect(sound.entry == "mp4a", sourceLocation: sourceLocation)
        #expect(sound.seconds == Double(seconds), sourceLocation: sourceLocation)
    }
}

/// The bytes of a fixture file.
func fixture(_ name: String) -> [UInt8] {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return Array((try? Data(contentsOf: root.appendingPathComponent("Fixtures/media/\(name)"))) ?? Data())
}
