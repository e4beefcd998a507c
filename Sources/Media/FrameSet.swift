/// The H.264 frames of one picture size, encoded once at fixture time: four IDR pictures of
/// distinct colours, and the P frames that repeat a picture (every macroblock skipped), one for
/// each `frame_num` from 1 to 59. A second of video is an IDR followed by skips, so the picture
/// changes every second and any frame rate up to 60 is built from the same bytes.
package struct FrameSet: Sendable {
    package let width: Int
    package let height: Int
    /// The `avc1` sample entry's contents (after its box header), `avcC` included.
    let sampleEntry: [UInt8]
    let pictures: [[UInt8]]
    /// `skips[n - 1]` repeats the picture with `frame_num` n.
    let skips: [[UInt8]]

    static let pictureCount = 4
    static let skipCount = 59
    /// The highest frame rate served: one IDR and 59 skips a second.
    package static let maximumFrameRate = skipCount + 1

    /// Reads the frame set made by `Fixtures/make-fixtures.sh`: IDR, 59 skips, then 3 more IDRs.
    package init(mp4 data: [UInt8]) throws(MediaError) {
        let reader = BoxReader(data: data)
        let track: (entry: (type: String, contents: Range<Int>), samples: [[UInt8]])
        do { track = try reader.track("vide") } catch { throw MediaError(description: "frame set: \(error)") }
        guard track.entry.type == "avc1", track.entry.contents.count > 78 else { throw MediaError(description: "frame set: not H.264") }
        guard track.samples.count == 1 + FrameSet.skipCount + FrameSet.pictureCount - 1 else {
            throw MediaError(
                description: "frame set: expected \(FrameSet.skipCount + FrameSet.pictureCount) frames, found \(track.samples.count)")
        }
        sampleEntry = Array(data[track.entry.contents])
        width = Int(reader.u16(at: track.entry.contents.lowerBound + 24))
        height = Int(reader.u16(at: track.entry.contents.lowerBound + 26))
        pictures = [track.samples[0]] + track.samples[(1 + FrameSet.skipCount)...]
        skips = Array(track.samples[1...FrameSet.skipCount])
    }

    /// The frame shown `index` frames into a video at `fps`: each second starts with the next
    /// picture and repeats it.
    func frame(_ index: Int, fps: Int) -> [UInt8] {
        let inSecond = index % fps
        return inSecond == 0 ? pictures[(index / fps) % pictures.count] : skips[inSecond - 1]
    }

    /// The sample entry with its SPS and PPS garbled: a file whose every frame fails to decode.
    var damagedSampleEntry: [UInt8] {
        var entry = sampleEntry
        // avcC follows the 78 bytes of the visual sample entry: 8 bytes of box header, 5 of
        // configuration, then each parameter set after its count and length.
        let start = 78 + 8 + 5
        guard entry.count > start + 3 else { return entry }
        for index in (start + 3)..<entry.count { entry[index] = 0xFF }
        return entry
    }
}

/// One frame of AAC silence and its sample entry, repeated for as long as a video lasts.
package struct SilenceFrames: Sendable {
    /// The `mp4a` sample entry's contents (after its box header), `esds` included.
    let sampleEntry: [UInt8]
    let frame: [UInt8]
    let sampleRate: Int
    /// PCM samples a frame stands for.
    static let samplesPerFrame = 1024

    package init(mp4 data: [UInt8]) throws(MediaError) {
        let reader = BoxReader(data: data)
        let track: (entry: (type: String, contents: Range<Int>), samples: [[UInt8]])
        do { track = try reader.track("soun") } catch { throw MediaError(description: "silence: \(error)") }
        guard track.entry.type == "mp4a", track.entry.contents.count > 28, track.samples.count > 4 else {
            throw MediaError(description: "silence: not AAC")
        }
        sampleEntry = Array(data[track.entry.contents])
        sampleRate = Int(reader.u32(at: track.entry.contents.lowerBound + 24) >> 16)
        // A frame from the middle: the first carry the encoder's start-up.
        frame = track.samples[track.samples.count / 2]
    }
}

/// Why media could not be loaded or made.
package struct MediaError: Error, Sendable, CustomStringConvertible {
    package let description: String
    package init(description: String) { self.description = description }
}
