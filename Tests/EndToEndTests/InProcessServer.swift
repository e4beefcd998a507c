import VideoMock
import VideoMockTesting

@testable import VideoMockCLI

/// A VideoMock server in the test's own process, set up by the same flags as the binary (parsed
/// by its own command line): for tests of the wire that need no process boundary.
final class InProcessServer: ListeningServer {
    let server: VideoMockServer

    init(_ arguments: [String] = [], defaultArguments: [String] = ["--threads", "2"]) throws {
        let command = try Serve.parse(["--port", "0"] + defaultArguments + arguments)
        server = try VideoMockServer(configuration: try command.makeConfiguration())
    }

    deinit { server.stop() }

    var port: Int { server.port }
}

/// VideoMock in router mode, set up by the same flags as the binary: requests go to the pipeline
/// as bytes, through the same head parser and reply writer, with no socket. For every test that
/// is not about the wire.
final class RoutedServer: MockServer, Sendable {
    let router: VideoMockRouter

    init(_ arguments: [String] = []) throws {
        let configuration = try Serve.parse(["--port", "0"] + arguments).makeConfiguration()
        router = try VideoMockRouter { $0 = configuration }
    }

    func exchange(_ request: [UInt8], isHead: Bool) throws -> HTTPResult {
        try HTTPConnection(replies: router.respond(to: request)).readResponse(isHead: isHead)
    }
}
