import Synchronization

/// The fixture media a finished task serves, chosen by its frame's orientation and sound.
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

    /// A fixture file and its size.
    package struct File: Sendable, Equatable {
        package let path: String
        package let size: Int
        package let contentType: String
    }

    package let directory: String
    private let files: [String: File]
    private let dataURLs = Mutex<[String: String]>([:])

    /// Indexes `directory/media`; every orientation must have each variant.
    package init(fixturesDirectory: String) throws(FileError) {
        directory = fixturesDirectory
        var files: [String: File] = [:]
        for orientation in Dimensions.Orientation.allCases {
            for (name, variant) in MediaLibrary.fileNames(orientation) {
                let path = "\(fixturesDirectory)/media/\(name)"
                guard let size = fileSize(path) else { throw FileError(description: "missing fixture \(path)") }
                files[name] = File(path: path, size: size, contentType: variant.contentType)
            }
        }
        self.files = files
    }

    private static func fileNames(_ orientation: Dimensions.Orientation) -> [(String, Variant)] {
        let o = orientation.rawValue
        return [
            ("\(o).mp4", .video), ("\(o)-audio.mp4", .video), ("\(o)-thumbnail.webp", .thumbnail), ("\(o)-spritesheet.jpg", .spritesheet),
        ]
    }

    /// The file for a task's variant.
    package func file(for spec: TaskSpec, variant: Variant) -> File {
        let o = spec.dimensions.orientation.rawValue
        let name: String =
            switch variant {
            case .video: spec.hasAudio ? "\(o)-audio.mp4" : "\(o).mp4"
            case .thumbnail: "\(o)-thumbnail.webp"
            case .spritesheet: "\(o)-spritesheet.jpg"
            }
        return files[name]!
    }

    /// The task's video as a `data:video/mp4;base64,...` URL (encoded once per file).
    package func dataURL(for spec: TaskSpec) -> String {
        let file = file(for: spec, variant: .video)
        if let cached = dataURLs.withLock({ $0[file.path] }) { return cached }
        let bytes = (try? readFile(file.path)) ?? []
        let url = "data:video/mp4;base64," + Base64.encode(bytes)
        dataURLs.withLock { $0[file.path] = url }
        return url
    }
}
