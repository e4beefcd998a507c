import ArgumentParser
import VideoMock
import VideoMockCore

/// `videomock sizes`: every frame size the catalogs can give a task, one `WxH` a line; what
/// `Fixtures/make-fixtures.sh` encodes frames for.
struct SizesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sizes", abstract: "List the frame sizes the catalogs can give a task (the sizes media is made at).")

    @Option(help: "The fixtures directory (found automatically when omitted).")
    var fixtures: String?

    @Option(name: .customLong("catalog"), help: "An extra catalog file (repeatable).")
    var catalogs: [String] = []

    func run() throws {
        var configuration = Configuration()
        configuration.fixturesDirectory = fixtures
        configuration.catalogFiles = catalogs
        let sizes: [Dimensions]
        do {
            sizes = try Startup.catalogs(configuration).listedDimensions.keys.sorted { ($0.width, $0.height) < ($1.width, $1.height) }
        } catch {
            throw ValidationError("\(error)")
        }
        for size in sizes { print(size) }
    }
}
