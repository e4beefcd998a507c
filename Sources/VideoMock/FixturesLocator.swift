import Glibc
import VideoMockCore

/// Finds the fixtures that ship with VideoMock, so the binary works from any directory.
enum FixturesLocator {
    /// `$VIDEOMOCK_FIXTURES`, else a `Fixtures/` (or `share/videomock/Fixtures/`) beside the
    /// executable or one of its parent directories, else one above the working directory.
    static func locate() -> String? {
        if let fromEnvironment = getenv("VIDEOMOCK_FIXTURES").map({ String(cString: $0) }), isFixtures(fromEnvironment) {
            return fromEnvironment
        }
        var starts: [String] = []
        if let executable = realpath("/proc/self/exe", nil) {
            starts.append(parent(String(cString: executable)))
            free(executable)
        }
        if let cwd = getcwd(nil, 0) {
            starts.append(String(cString: cwd))
            free(cwd)
        }
        for start in starts {
            var directory = start
            for _ in 0..<8 {
                for candidate in ["\(directory)/Fixtures", "\(directory)/share/videomock/Fixtures"] where isFixtures(candidate) {
                    return candidate
                }
                let up = parent(directory)
                if up == directory { break }
                directory = up
            }
        }
        return nil
    }

    static func isFixtures(_ path: String) -> Bool { isDirectory("\(path)/catalog") && isDirectory("\(path)/media") }

    private static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
