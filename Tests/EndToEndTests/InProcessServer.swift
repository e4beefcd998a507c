import VideoMock

@testable import VideoMockCLI

/// A VideoMock server in the test's own process, set up by the same flags as the binary (parsed
/// by its own command line): for every test that needs no process boundary.
final class InProcessServer: MockServer {
    let server: VideoMockServer

    init(_ arguments: [String] = [], defaultArguments: [String] = ["--threads", "2"]) throws {
        let command = try Serve.parse(["--port", "0"] + defaultArguments + arguments)
        server = try VideoMockServer(configuration: try command.makeConfiguration())
    }

    deinit { server.stop() }

    var port: Int { server.port }
}
