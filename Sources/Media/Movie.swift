/// What a video must be: the picture size, length, frame rate and sound a task reports, the
/// size to pad it to, and whether to damage it on purpose.
package struct MovieSpec: Hashable, Sendable, CustomStringConvertible {
    package var width: Int
    package var height: Int
    package var seconds: Int
    package var fps: Int
    package var audio: Bool
    /// Pad the file with a `free` box to about this many bytes.
    package var paddedTo: Int?
    /// Garble the parameter sets: the file is well-formed but no frame decodes.
    package var corrupt: Bool

    package init(width: Int, height: Int, seconds: Int, fps: Int, audio: Bool, paddedTo: Int? = nil, corrupt: Bool = false) {
        self.width = width
        self.height = height
        self.seconds = seconds
        self.fps = fps
        self.audio = audio
        self.paddedTo = paddedTo
        self.corrupt = corrupt
    }

    /// One word of what tells specs apart mixed into the hasher (the same spec always gives the
    /// same word; specs that differ in a field a downloaded video keeps, rarely). Cheaper than
    /// combining seven fields: every download looks its file up by spec.
    package func hash(into hasher: inout Hasher) {
        var word = UInt64(truncatingIfNeeded: width) &* 0x9E37_79B9_7F4A_7C15
        word ^= UInt64(truncatingIfNeeded: height) &* 0xC2B2_AE3D_27D4_EB4F
        word ^= UInt64(truncatingIfNeeded: seconds) << 40 ^ UInt64(truncatingIfNeeded: fps) << 48
        word ^= (audio ? 1 << 62 : 0) ^ (corrupt ? 1 << 63 : 0)
        word ^= paddedTo.map { UInt64(truncatingIfNeeded: $0) &* 0x1656_67B1_9E37_79F9 ^ 1 << 61 } ?? 0
        hasher.combine(word)
    }

    /// `1280x720-8s-24fps-audio`, as file names use it.
    package var description: String {
        "\(width)x\(height)-\(seconds)s-\(fps)fps" + (audio ? "-audio" : "") + (paddedTo.map { "-\($0)b" } ?? "")
            + (corrupt ? "-corrupt" : "")
    }
}

/// An MP4 laid out from a spec: `ftyp`, `moov` (so that playback can start before the rest
/// arrives), `mdat` with the video's frames then the audio's, and an optional `free` box of
/// padding. The layout is fixed by the spec, so the length is known before any byte is written.
package struct Movie: Sendable {
    package let spec: MovieSpec
    /// `ftyp`, `moov` and the `mdat` header.
    let head: [UInt8]
    let frames: FrameSet
    let silence: SilenceFrames?
    let videoSamples: Int
    let audioSamples: Int
    /// Bytes of `mdat` contents.
    let mediaBytes: Int
    /// The whole file's length.
    package let size: Int

    /// Bytes of the padding box's header.
    static let paddingHeader = 8

    package init(_ spec: MovieSpec, frames: FrameSet, silence: SilenceFrames) {
        self.spec = spec
        self.frames = frames
        self.silence = spec.audio ? silence : nil
        videoSamples = spec.seconds * spec.fps
        let samplesPerSecondTimes = spec.seconds * silence.sampleRate
        audioSamples = spec.audio ? (samplesPerSecondTimes + SilenceFrames.samplesPerFrame - 1) / SilenceFrames.samplesPerFrame : 0
        let videoBytes = (0..<videoSamples).reduce(0) { $0 + frames.frame($1, fps: spec.fps).count }
        mediaBytes = videoBytes + audioSamples * silence.frame.count
        // The moov's length does not depend on the offsets written in it: lay it out once to
        // learn where mdat starts, then again with the real offsets.
        let ftyp = Movie.fileType()
        let draft = Movie.movieBox(
            spec, frames: frames, silence: silence, videoSamples: videoSamples, audioSamples: audioSamples, mediaStart: 0)
        let mediaStart = ftyp.count + draft.count + 16
        var head =
            ftyp
            + Movie.movieBox(
                spec, frames: frames, silence: silence, videoSamples: videoSamples, audioSamples: audioSamples, mediaStart: mediaStart)
        var mdat = BoxWriter(capacity: 16)
        mdat.u32(1)  // a 64-bit size follows
        mdat.fourCC("mdat")
        mdat.u64(UInt64(16 + mediaBytes))
        head += mdat.bytes
        self.head = head
        let unpadded = head.count + mediaBytes
        size = max(unpadded, spec.paddedTo.map { $0 >= unpadded + Movie.paddingHeader ? $0 : unpadded } ?? unpadded)
    }

    /// Writes the whole file through `write`, in order, a piece at a time; the padding's
    /// contents (zeros) are left to the caller, which knows how to make them cheaply.
    package func write(_ write: ([UInt8]) throws -> Void) rethrows {
        try write(head)
        var batch: [UInt8] = []
        batch.reserveCapacity(1 << 16)
        for index in 0..<videoSamples {
            batch += frames.frame(index, fps: spec.fps)
            if batch.count >= 1 << 16 {
                try write(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if let silence {
            for _ in 0..<audioSamples {
                batch += silence.frame
                if batch.count >= 1 << 16 {
                    try write(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
        if size > head.count + mediaBytes {
            var free = BoxWriter(capacity: 8)
            free.u32(UInt32(size - head.count - mediaBytes))
            free.fourCC("free")
            batch += free.bytes
        }
        try write(batch)
    }

    // MARK: Boxes

    static func fileType() -> [UInt8] {
        var writer = BoxWriter(capacity: 32)
        writer.box("ftyp") { box in
            box.fourCC("isom")
            box.u32(0x200)
            for brand in ["isom", "iso2", "avc1", "mp41"] { box.fourCC(brand) }
        }
        return writer.bytes
    }

    static let movieTimescale: UInt32 = 1000

    static func movieBox(
        _ spec: MovieSpec, frames: FrameSet, silence: SilenceFrames, videoSamples: Int, audioSamples: Int, mediaStart: Int
    ) -> [UInt8] {
        var writer = BoxWriter(capacity: 4096 + videoSamples * 4)
        let duration = UInt32(spec.seconds) * movieTimescale
        writer.box("moov") { moov in
            moov.fullBox("mvhd") { mvhd in
                mvhd.u32(0)  // creation and modification times: fixed, so the bytes are too
                mvhd.u32(0)
                mvhd.u32(movieTimescale)
                mvhd.u32(duration)
                mvhd.u32(0x0001_0000)  // rate 1.0
                mvhd.u16(0x0100)  // volume 1.0
                mvhd.zeros(10)
                mvhd.unityMatrix()
                mvhd.zeros(24)
                mvhd.u32(spec.audio ? 3 : 2)  // next track ID
            }
            videoTrack(&moov, spec, frames: frames, samples: videoSamples, offset: mediaStart)
            if spec.audio {
                let videoBytes = (0..<videoSamples).reduce(0) { $0 + frames.frame($1, fps: spec.fps).count }
                audioTrack(&moov, spec, silence: silence, samples: audioSamples, offset: mediaStart + videoBytes)
            }
        }
        return writer.bytes
    }

    static func trackHeader(_ writer: inout BoxWriter, id: UInt32, seconds: Int, audio: Bool, width: Int, height: Int) {
        writer.fullBox("tkhd", flags: 3) { tkhd in  // enabled, in the movie
            tkhd.u32(0)
            tkhd.u32(0)
            tkhd.u32(id)
            tkhd.u32(0)
            tkhd.u32(UInt32(seconds) * movieTimescale)
            tkhd.zeros(8)
            tkhd.u16(0)  // layer
            tkhd.u16(audio ? 1 : 0)  // alternate group
            tkhd.u16(audio ? 0x0100 : 0)  // volume
            tkhd.u16(0)
            tkhd.unityMatrix()
            tkhd.u32(UInt32(width) << 16)
            tkhd.u32(UInt32(height) << 16)
        }
    }

    static func mediaHeader(_ writer: inout BoxWriter, timescale: Int, duration: Int) {
        writer.fullBox("mdhd") { mdhd in
            mdhd.u32(0)
            mdhd.u32(0)
            mdhd.u32(UInt32(timescale))
            mdhd.u32(UInt32(duration))
            mdhd.u16(0x55C4)  // language: und
            mdhd.u16(0)
        }
    }

    static func handler(_ writer: inout BoxWriter, _ type: String, name: String) {
        writer.fullBox("hdlr") { hdlr in
            hdlr.u32(0)
            hdlr.fourCC(type)
            hdlr.zeros(12)
            hdlr.raw(Array(name.utf8) + [0])
        }
    }

    static func dataInformation(_ writer: inout BoxWriter) {
        writer.box("dinf") { dinf in
            dinf.fullBox("dref") { dref in
                dref.u32(1)
                dref.fullBox("url ", flags: 1) { _ in }  // the media is in this file
            }
        }
    }

    /// All of a track's samples in one chunk at `offset`.
    static func singleChunk(_ writer: inout BoxWriter, samples: Int, offset: Int) {
        writer.fullBox("stsc") { stsc in
            stsc.u32(1)
            stsc.u32(1)
            stsc.u32(UInt32(samples))
            stsc.u32(1)
        }
        writer.fullBox("stco") { stco in
            stco.u32(1)
            stco.u32(UInt32(offset))
        }
    }

    static func videoTrack(_ writer: inout BoxWriter, _ spec: MovieSpec, frames: FrameSet, samples: Int, offset: Int) {
        let timescale = spec.fps * 1000
        writer.box("trak") { trak in
            trackHeader(&trak, id: 1, seconds: spec.seconds, audio: false, width: spec.width, height: spec.height)
            trak.box("mdia") { mdia in
                mediaHeader(&mdia, timescale: timescale, duration: samples * 1000)
                handler(&mdia, "vide", name: "VideoHandler")
                mdia.box("minf") { minf in
                    minf.fullBox("vmhd", flags: 1) { vmhd in vmhd.zeros(8) }
                    dataInformation(&minf)
                    minf.box("stbl") { stbl in
                        stbl.fullBox("stsd") { stsd in
                            stsd.u32(1)
                            stsd.box("avc1") { entry in entry.raw(spec.corrupt ? frames.damagedSampleEntry : frames.sampleEntry) }
                        }
                        stbl.fullBox("stts") { stts in
                            stts.u32(1)
                            stts.u32(UInt32(samples))
                            stts.u32(1000)
                        }
                        stbl.fullBox("stss") { stss in  // each second starts with an IDR picture
                            stss.u32(UInt32(spec.seconds))
                            for second in 0..<spec.seconds { stss.u32(UInt32(second * spec.fps + 1)) }
                        }
                        singleChunk(&stbl, samples: samples, offset: offset)
                        stbl.fullBox("stsz") { stsz in
                            stsz.u32(0)
                            stsz.u32(UInt32(samples))
                            for index in 0..<samples { stsz.u32(UInt32(frames.frame(index, fps: spec.fps).count)) }
                        }
                    }
                }
            }
        }
    }

    static func audioTrack(_ writer: inout BoxWriter, _ spec: MovieSpec, silence: SilenceFrames, samples: Int, offset: Int) {
        let total = spec.seconds * silence.sampleRate
        let last = total - (samples - 1) * SilenceFrames.samplesPerFrame
        writer.box("trak") { trak in
            trackHeader(&trak, id: 2, seconds: spec.seconds, audio: true, width: 0, height: 0)
            trak.box("mdia") { mdia in
                mediaHeader(&mdia, timescale: silence.sampleRate, duration: total)
                handler(&mdia, "soun", name: "SoundHandler")
                mdia.box("minf") { minf in
                    minf.fullBox("smhd") { smhd in smhd.zeros(4) }
                    dataInformation(&minf)
                    minf.box("stbl") { stbl in
                        stbl.fullBox("stsd") { stsd in
                            stsd.u32(1)
                            stsd.box("mp4a") { entry in entry.raw(silence.sampleEntry) }
                        }
                        // Whole frames, the last cut so that the sound lasts exactly as long as the video.
                        stbl.fullBox("stts") { stts in
                            let full = last == SilenceFrames.samplesPerFrame ? samples : samples - 1
                            stts.u32(full == samples ? 1 : 2)
                            stts.u32(UInt32(full))
                            stts.u32(UInt32(SilenceFrames.samplesPerFrame))
                            if full != samples {
                                stts.u32(1)
                                stts.u32(UInt32(last))
                            }
                        }
                        singleChunk(&stbl, samples: samples, offset: offset)
                        stbl.fullBox("stsz") { stsz in
                            stsz.u32(UInt32(silence.frame.count))
                            stsz.u32(UInt32(samples))
                        }
                    }
                }
            }
        }
    }
}
