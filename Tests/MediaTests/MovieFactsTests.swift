import Testing

@testable import Media

@Suite("What a recording reads of an MP4")
struct MovieFactsTests {
    @Test(
        "fed in small pieces, the sniffer finds moov and reads length, size, frame rate and sound",
        arguments: [(8, 24, true), (5, 30, false)])
    func sniffed(_ seconds: Int, _ fps: Int, _ audio: Bool) throws {
        let (frames, silence) = try load()
        let data = bytes(
            of: Movie(MovieSpec(width: 1280, height: 720, seconds: seconds, fps: fps, audio: audio), frames: frames, silence: silence))
        var sniffer = MovieSniffer()
        for start in stride(from: 0, to: data.count, by: 997) {
            data[start..<min(data.count, start + 997)].withUnsafeBytes { sniffer.feed($0) }
        }
        #expect(sniffer.facts == MovieFacts(seconds: Double(seconds), width: 1280, height: 720, fps: Double(fps), hasAudio: audio))
    }

    @Test("a moov after the media is found too, and bytes that are no MP4 give nothing")
    func moovLast() throws {
        let (frames, silence) = try load()
        let data = bytes(
            of: Movie(MovieSpec(width: 1280, height: 720, seconds: 2, fps: 24, audio: false), frames: frames, silence: silence))
        let boxes = BoxReader(data: data).children(in: 0..<data.count)
        let whole = { (name: String) -> ArraySlice<UInt8> in
            let box = boxes.first { $0.type == name }!.contents
            return data[(box.lowerBound - (name == "mdat" ? 16 : 8))..<box.upperBound]  // mdat has a 64-bit size
        }
        let reordered = Array(whole("ftyp") + whole("mdat") + whole("moov"))
        var sniffer = MovieSniffer()
        reordered.withUnsafeBytes { sniffer.feed($0) }
        #expect(sniffer.facts?.seconds == 2)
        var other = MovieSniffer()
        Array("{\"not\": \"a movie\"}".utf8).withUnsafeBytes { other.feed($0) }
        #expect(other.facts == nil)
    }
}
