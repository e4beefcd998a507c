import Foundation
import Testing

@testable import Media

let media = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/media")

func load() throws -> (FrameSet, SilenceFrames) {
    let frames = try FrameSet(mp4: Array(try Data(contentsOf: media.appendingPathComponent("frames/1280x720.mp4"))))
    let silence = try SilenceFrames(mp4: Array(try Data(contentsOf: media.appendingPathComponent("silence.mp4"))))
    return (frames, silence)
}

func bytes(of movie: Movie) -> [UInt8] {
    var bytes: [UInt8] = []
    movie.write { bytes += $0 }
    return bytes + [UInt8](repeating: 0, count: movie.size - bytes.count)
}

@Suite("MP4 layout")
struct MovieTests {
    @Test("a frame set reads back as four pictures and 59 skips at its size")
    func frameSet() throws {
        let (frames, silence) = try load()
        #expect(frames.width == 1280 && frames.height == 720)
        #expect(frames.pictures.count == 4)
        #expect(frames.skips.count == 59)
        #expect(frames.skips.allSatisfy { $0.count < 64 })
        #expect(silence.sampleRate == 48000)
    }

    @Test(
        "the length is known before writing, and the boxes say what the spec says",
        arguments: [(8, 24, true), (5, 30, false), (1, 60, true), (12, 1, false)])
    func layout(_ seconds: Int, _ fps: Int, _ audio: Bool) throws {
        let (frames, silence) = try load()
        let movie = Movie(MovieSpec(width: 1280, height: 720, seconds: seconds, fps: fps, audio: audio), frames: frames, silence: silence)
        let data = bytes(of: movie)
        #expect(data.count == movie.size)
        let reader = BoxReader(data: data)
        #expect(reader.children(in: 0..<data.count).map(\.type) == ["ftyp", "moov", "mdat"])
        let video = try reader.track("vide")
        #expect(video.samples.count == seconds * fps)
        // Each second starts with the next picture; the rest of the second repeats it.
        for second in 0..<seconds {
            #expect(video.samples[second * fps] == frames.pictures[second % 4])
            if fps > 1 { #expect(video.samples[second * fps + 1] == frames.skips[0]) }
        }
        if audio {
            let sound = try reader.track("soun")
            #expect(sound.samples.count == (seconds * 48000 + 1023) / 1024)
            #expect(sound.samples.allSatisfy { $0 == silence.frame })
        } else {
            #expect(throws: BoxReader.Failure.self) { try reader.track("soun") }
        }
    }

    @Test("padding makes the file the size asked for with a free box, and leaves the media alone")
    func padding() throws {
        let (frames, silence) = try load()
        let plain = Movie(MovieSpec(width: 1280, height: 720, seconds: 2, fps: 24, audio: true), frames: frames, silence: silence)
        let padded = Movie(
            MovieSpec(width: 1280, height: 720, seconds: 2, fps: 24, audio: true, paddedTo: 1_000_000), frames: frames, silence: silence)
        let data = bytes(of: padded)
        #expect(data.count == 1_000_000)
        #expect(BoxReader(data: data).children(in: 0..<data.count).map(\.type) == ["ftyp", "moov", "mdat", "free"])
        #expect(Array(data.prefix(plain.size)) == bytes(of: plain))
        let tiny = Movie(
            MovieSpec(width: 1280, height: 720, seconds: 2, fps: 24, audio: true, paddedTo: 10), frames: frames, silence: silence)
        #expect(tiny.size == plain.size, "padding never shrinks a file")
    }

    @Test("a corrupt movie differs from the plain one only in its parameter sets")
    func corrupt() throws {
        let (frames, silence) = try load()
        let spec = MovieSpec(width: 1280, height: 720, seconds: 2, fps: 24, audio: false)
        var damaged = spec
        damaged.corrupt = true
        let plain = bytes(of: Movie(spec, frames: frames, silence: silence))
        let broken = bytes(of: Movie(damaged, frames: frames, silence: silence))
        #expect(plain.count == broken.count)
        let differing = zip(plain, broken).indices(where: { $0.0 != $0.1 })
        #expect(!differing.isEmpty)
        let entry = try BoxReader(data: broken).track("vide").entry
        #expect(differing.allSatisfy { entry.contents.contains($0) })
    }
}

extension Sequence {
    func indices(where predicate: (Element) -> Bool) -> [Int] { enumerated().filter { predicate($0.element) }.map(\.offset) }
}
