import Glibc
import Locking
import Media

/// Videos made so far, as files in a directory of their own (under `$TMPDIR`), so that they are
/// served like any file (`sendfile`, ranges) and made once per kind of video. Bounded: past
/// `budget` bytes or `capacity` files, the least recently asked for are deleted.
final class MovieStore: Sendable {
    static let budget = 2 << 30
    static let capacity = 512

    private struct State {
        var paths: [MovieSpec: (path: String, size: Int, used: Int)] = [:]
        var bytes = 0
        var clock = 0
        /// The video asked for last: asked for again, it is found without hashing its spec (and
        /// counts as the most recently used however old its `used` is).
        var last: (spec: MovieSpec, path: String, size: Int)?
    }

    let directory: String
    private let state = Locked(State())

    init() throws(FileError) {
        let base = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
        var template = Array("\(base)/videomock-media-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw FileError(description: "cannot make a directory for videos under \(base): \(String(cString: strerror(errno)))")
        }
        directory = String(cString: made)
    }

    deinit { removeAll(removingDirectory: true) }

    /// The file of the video `spec` describes and its size: written now, from `make`, unless
    /// it was before.
    func file(for spec: MovieSpec, make: (MovieSpec) throws(MediaError) -> Movie) throws(MediaError) -> (path: String, size: Int) {
        try state.withLock { (state) throws(MediaError) -> (path: String, size: Int) in
            if let last = state.last, last.spec == spec { return (last.path, last.size) }
            state.clock += 1
            // The one it replaces as the last asked for is stamped as used now.
            if let last = state.last, let index = state.paths.index(forKey: last.spec) { state.paths.values[index].used = state.clock }
            state.clock += 1
            if let index = state.paths.index(forKey: spec) {
                state.paths.values[index].used = state.clock
                let known = state.paths.values[index]
                state.last = (spec, known.path, known.size)
                return (known.path, known.size)
            }
            let movie = try make(spec)
            let path = "\(directory)/\(spec).mp4"
            try write(movie, to: path)
            state.paths[spec] = (path, movie.size, state.clock)
            state.bytes += movie.size
            state.last = (spec, path, movie.size)
            evict(&state)
            return (path, movie.size)
        }
    }

    /// Deletes the least recently used files past the budget; a loop that still has one open
    /// keeps reading it until it closes it.
    private func evict(_ state: inout State) {
        while state.bytes > MovieStore.budget || state.paths.count > MovieStore.capacity,
            let oldest = state.paths.min(by: { $0.value.used < $1.value.used })
        {
            unlink(oldest.value.path)
            state.bytes -= oldest.value.size
            state.paths[oldest.key] = nil
            if state.last?.spec == oldest.key { state.last = nil }
        }
    }

    /// Writes through a temporary name, so that no reader sees half a file; padding is a hole
    /// the file system fills with zeros.
    private func write(_ movie: Movie, to path: String) throws(MediaError) {
        let temporary = path + ".part"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw MediaError(description: "cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var failed = false
        movie.write { bytes in
            guard !failed else { return }
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if written <= 0 {
                    failed = true
                    return
                }
                offset += written
            }
        }
        if !failed, ftruncate(fd, off_t(movie.size)) != 0 { failed = true }
        close(fd)
        guard !failed, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw MediaError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    func removeAll(removingDirectory: Bool = false) {
        state.withLock { state in
            for entry in state.paths.values { unlink(entry.path) }
            state = State()
        }
        if removingDirectory { rmdir(directory) }
    }
}
