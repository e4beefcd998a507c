/// What a recording says of an MP4: its length, picture size, frame rate and whether it has
/// sound, read from its `moov` box.
package struct MovieFacts: Sendable, Equatable {
    package var seconds: Double
    package var width: Int
    package var height: Int
    package var fps: Double
    package var hasAudio: Bool

    package init(seconds: Double, width: Int, height: Int, fps: Double, hasAudio: Bool) {
        self.seconds = seconds
        self.width = width
        self.height = height
        self.fps = fps
        self.hasAudio = hasAudio
    }

    /// Reads a whole `moov` box (its header included); nil when it has no video track.
    package init?(moov: [UInt8]) {
        let reader = BoxReader(data: moov)
        guard let box = reader.path(["moov"]) else { return nil }
        var video: (seconds: Double, width: Int, height: Int, fps: Double)?
        var audio = false
        for trak in reader.children(in: box) where trak.type == "trak" {
            guard let mdia = reader.child("mdia", in: trak.contents), let hdlr = reader.child("hdlr", in: mdia),
                hdlr.count >= 12, let mdhd = reader.child("mdhd", in: mdia)
            else { continue }
            let handler = String(decoding: moov[(hdlr.lowerBound + 8)..<(hdlr.lowerBound + 12)], as: UTF8.self)
            if handler == "soun" { audio = true }
            guard handler == "vide", let tkhd = reader.child("tkhd", in: trak.contents) else { continue }
            let (timescale, duration) = reader.timing(mdhd)
            let seconds = timescale > 0 ? Double(duration) / Double(timescale) : 0
            // tkhd: the picture size is the last 8 bytes, in 16.16 fixed point.
            guard tkhd.count >= 84 else { continue }
            let width = Int(reader.u32(at: tkhd.upperBound - 8) >> 16), height = Int(reader.u32(at: tkhd.upperBound - 4) >> 16)
            var frames = 0
            if let stts = reader.path(["minf", "stbl", "stts"], in: mdia), stts.count >= 8 {
                let entries = Int(reader.u32(at: stts.lowerBound + 4))
                for entry in 0..<entries where stts.lowerBound + 16 + 8 * entry <= stts.upperBound {
                    frames += Int(reader.u32(at: stts.lowerBound + 8 + 8 * entry))
                }
            }
            video = (seconds, width, height, seconds > 0 ? Double(frames) / seconds : 0)
        }
        guard let video else { return nil }
        self.init(seconds: video.seconds, width: video.width, height: video.height, fps: video.fps, hasAudio: audio)
    }
}

extension BoxReader {
    /// A `mvhd` or `mdhd` box's timescale and duration (version 0 or 1).
    func timing(_ box: Range<Int>) -> (timescale: UInt32, duration: UInt64) {
        guard box.count >= 24 else { return (0, 0) }
        if data[box.lowerBound] == 1, box.count >= 36 {
            return (u32(at: box.lowerBound + 20), u64(at: box.lowerBound + 24))
        }
        return (u32(at: box.lowerBound + 12), UInt64(u32(at: box.lowerBound + 16)))
    }
}

/// Finds an MP4's `moov` box in a stream of its bytes, keeping nothing else (a download passes
/// through it piece by piece).
package struct MovieSniffer: Sendable {
    /// A larger `moov` is not kept.
    static let maxMoovBytes = 32 << 20

    private var header: [UInt8] = []
    /// Bytes of the current box's contents still to come; nil while its header is being read.
    private var remaining: Int?
    private var capture: [UInt8]?
    private var isBroken = false
    package private(set) var moov: [UInt8]?

    package init() {}

    package var facts: MovieFacts? { moov.flatMap { MovieFacts(moov: $0) } }

    package mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count, !isBroken, moov == nil {
            guard let left = remaining else {
                header.append(bytes[index])
                index += 1
                beginBoxIfHeaderComplete()
                continue
            }
            let take = min(left, bytes.count - index)
            capture?.append(contentsOf: bytes[index..<(index + take)])
            index += take
            remaining = left - take
            if remaining == 0 { endBox() }
        }
    }

    private mutating func beginBoxIfHeaderComplete() {
        guard header.count >= 8 else { return }
        let size32 = header[0..<4].reduce(0) { $0 << 8 | Int($1) }
        if size32 == 1, header.count < 16 { return }
        let size = size32 == 1 ? header[8..<16].reduce(0) { $0 << 8 | Int($1) } : size32
        guard size >= header.count, size32 != 0 else {
            isBroken = true  // not an MP4, or a box that runs to the end: nothing more to find
            return
        }
        let type = String(decoding: header[4..<8], as: UTF8.self)
        if type == "moov", size <= Self.maxMoovBytes { capture = header }
        remaining = size - header.count
        if remaining == 0 { endBox() }
    }

    private mutating func endBox() {
        if let capture { moov = capture }
        capture = nil
        header = []
        remaining = nil
    }
}
