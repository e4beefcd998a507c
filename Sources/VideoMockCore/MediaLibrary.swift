import Glibc
import Locking
import Media

/// The media a finished task serves, made to match it: an MP4 of its picture size, length,
/// frame rate and sound, built from frames encoded once at fixture time, and a thumbnail and a
/// spritesheet of its picture size.
///
/// Fixtures (`media/`): `frames/WxH.mp4` (a frame set per size the catalogs can give),
/// `silence.mp4` (AAC), `thumbnails/WxH.webp`, `spritesheets/WxH.jpg`.
package final class MediaLibrary: Sendable {
    /// What can be downloaded for a video (the OpenAI `variant` parameter).
    package enum Variant: String, Sendable, CaseIterable {
        case video, thumbnail, spritesheet

        package var contentType: String {
            switch self {
            case .video: "video/mp4"
            case .thumbnail: "image/webp"
            case .spritesheet: "image/jpeg"
            }
        }
    }

    /// A file to serve and its size.
    package struct File: Sendable, Equatable {
        package let path: String
        package let size: Int
        package let contentType: String
    }

    /// What a download may ask of the video beyond the task: padding, or damage.
    package struct Options: Sendable, Hashable {
        package var paddedTo: Int?
        package var corrupt = false

        package init(paddedTo: Int? = nil, corrupt: Bool = false) {
            self.paddedTo = paddedTo
            self.corrupt = corrupt
        }
    }

    /// The fixtures directory (the OpenAPI document is read from it too).
    package let directory: String
    /// The sizes there are frames for.
    package let sizes: Set<Dimensions>
    /// The same, sorted: a binary search finds one faster than hashing does.
    private let sortedSizes: [Dimensions]
    private let frameSets = Locked<[Dimensions: FrameSet]>([:])
    private let silence: SilenceFrames
    private let movies: MovieStore
    private let dataURLs = Locked(DataURLCache())

    /// Finds what `fixturesDirectory/media` holds; frames are read when first needed.
    package init(fixturesDirectory: String) throws(FileError) {
        directory = fixturesDirectory
        let media = "\(fixturesDirectory)/media"
        var sizes: Set<Dimensions> = []
        for name in directoryEntries("\(media)/frames") where name.hasSuffix(".mp4") {
            if let size = Dimensions(name.dropLast(4), star: false) { sizes.insert(size) }
        }
        self.sizes = sizes
        sortedSizes = sizes.sorted { ($0.width, $0.height) < ($1.width, $1.height) }
        do { silence = try SilenceFrames(mp4: try readFile("\(media)/silence.mp4")) } catch {
            throw FileError(description: "\(media)/silence.mp4: \(error)")
        }
        movies = try MovieStore()
    }

    /// Refuses to start when a catalog can give a size there are no frames for, saying how to add them.
    package func check(_ listed: [Dimensions: [String]], fixtures: String) throws(MediaError) {
        let missing = listed.keys.filter { !sizes.contains($0) }.sorted { ($0.width, $0.height) < ($1.width, $1.height) }
        guard let first = missing.first else { return }
        let models = listed[first]!.prefix(3).joined(separator: ", ")
        throw MediaError(
            description: "no frames for \(first) in \(fixtures)/media/frames (\(models) can give it"
                + (missing.count > 1 ? "; \(missing.count - 1) more sizes are missing too" : "")
                + "): make them with Fixtures/make-fixtures.sh \(missing.map(\.description).joined(separator: " ")) (needs ffmpeg), "
                + "or give the model sizes VideoMock has")
    }

    package func supports(_ size: Dimensions) -> Bool {
        var low = 0, high = sortedSizes.count
        while low < high {
            let middle = (low + high) / 2
            let found = sortedSizes[middle]
            if found.width == size.width, found.height == size.height { return true }
            if (found.width, found.height) < (size.width, size.height) { low = middle + 1 } else { high = middle }
        }
        return false
    }

    /// What the video of a task is: its reported size, length, frame rate and sound.
    package static func movieSpec(_ spec: TaskSpec, _ options: Options) -> MovieSpec {
        // A duration of -1 ("the model decides") gets the models' usual 5 s.
        MovieSpec(
            width: spec.dimensions.width, height: spec.dimensions.height, seconds: spec.duration > 0 ? spec.duration : 5,
            fps: min(max(spec.fps, 1), FrameSet.maximumFrameRate), audio: spec.hasAudio, paddedTo: options.paddedTo,
            corrupt: options.corrupt)
    }

    /// The file for a task's variant, made on first request.
    package func file(for spec: TaskSpec, variant: Variant, options: Options = .init()) throws(MediaError) -> File {
        let size = spec.dimensions
        switch variant {
        case .video:
            // Laid out only when this kind of video was not made before.
            let made = try movies.file(for: MediaLibrary.movieSpec(spec, options)) { (movieSpec) throws(MediaError) in
                Movie(movieSpec, frames: try frames(size), silence: silence)
            }
            return File(path: made.path, size: made.size, contentType: variant.contentType)
        case .thumbnail, .spritesheet:
            let (folder, suffix) = variant == .thumbnail ? ("thumbnails", "webp") : ("spritesheets", "jpg")
            let path = "\(directory)/media/\(folder)/\(size).\(suffix)"
            guard let bytes = fileSize(path) else { throw MediaError(description: "missing fixture \(path)") }
            return File(path: path, size: bytes, contentType: variant.contentType)
        }
    }

    /// The task's video as a `data:video/mp4;base64,...` URL (kept for the sizes asked for most).
    package func dataURL(for spec: TaskSpec) throws(MediaError) -> String {
        let movie = MediaLibrary.movieSpec(spec, Options())
        if let cached = dataURLs.withLock({ $0[movie] }) { return cached }
        var bytes: [UInt8] = []
        Movie(movie, frames: try frames(spec.dimensions), silence: silence).write { bytes += $0 }
        let url = "data:video/mp4;base64," + Base64.encode(bytes)
        dataURLs.withLock { $0[movie] = url }
        return url
    }

    /// Deletes the videos made so far, and their directory.
    package func removeMade() { movies.removeAll(removingDirectory: true) }

    private func frames(_ size: Dimensions) throws(MediaError) -> FrameSet {
        if let loaded = frameSets.withLock({ $0[size] }) { return loaded }
        guard sizes.contains(size) else { throw MediaError(description: "no frames for \(size)") }
        let path = "\(directory)/media/frames/\(size).mp4"
        let set: FrameSet
        do { set = try FrameSet(mp4: try readFile(path)) } catch let error as MediaError { throw error } catch {
            throw MediaError(description: "\(path): \(error)")
        }
        frameSets.withLock { $0[size] = set }
        return set
    }
}

/// Data URLs of recent videos, at most a few megabytes of them.
private struct DataURLCache {
    static let budget = 64 << 20
    private var urls: [MovieSpec: String] = [:]
    private var order: [MovieSpec] = []
    private var bytes = 0

    subscript(spec: MovieSpec) -> String? {
        get { urls[spec] }
        set {
            guard let newValue, urls[spec] == nil else { return }
            urls[spec] = newValue
            order.append(spec)
            bytes += newValue.utf8.count
            while bytes > DataURLCache.budget, order.count > 1 {
                let oldest = order.removeFirst()
                bytes -= urls.removeValue(forKey: oldest)?.utf8.count ?? 0
            }
        }
    }
}
