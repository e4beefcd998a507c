import Foundation
@_exported import VideoMock

/// A VideoMock server started in the test's own process, on a free port, until `stop()`.
///
/// ```swift
/// let mock = try VideoMockTestServer { $0.clock = .manual }
/// defer { mock.stop() }
/// let base = mock.baseURL(.aihubmix)      // http://127.0.0.1:PORT/aihubmix/v1
/// try await mock.admin.advance(by: 10)
/// ```
public final class VideoMockTestServer: Sendable {
    public let server: VideoMockServer
    /// The admin API of this server, for every key (`admin.scoped(to:)` for one).
    public let admin: AdminClient

    /// Starts a server with `configure` applied to the testing defaults: port 0 (a free one),
    /// 127.0.0.1, two event loops, the fixtures that ship with VideoMock.
    public convenience init(_ configure: (inout Configuration) -> Void = { _ in }) throws {
        var configuration = Configuration()
        configuration.port = 0
        configuration.threads = 2
        configuration.fixturesDirectory = VideoMockTestServer.shippedFixtures
        configure(&configuration)
        try self.init(configuration: configuration)
    }

    /// Starts a server with exactly this configuration.
    public init(configuration: Configuration) throws {
        server = try VideoMockServer(configuration: configuration)
        admin = AdminClient(url: URL(string: server.url)!, token: configuration.adminToken)
    }

    deinit { server.stop() }

    /// `http://127.0.0.1:PORT`.
    public var url: URL { URL(string: server.url)! }

    /// Where a client of `provider` points its base URL: `http://127.0.0.1:PORT/aihubmix/v1`.
    public func baseURL(_ provider: Configuration.Provider) -> URL { URL(string: server.baseURL(provider))! }

    /// Finishes replies in progress (up to the shutdown grace) and stops; safe to call twice.
    /// Blocks the calling thread meanwhile: from async code, `await stop()`.
    public func stop() { server.stop() }

    /// Finishes replies in progress (up to the shutdown grace) and stops, waiting on a thread of
    /// its own so that no thread of the cooperative pool is blocked; safe to call twice.
    public func stop() async {
        await withCheckedContinuation { (stopped: CheckedContinuation<Void, Never>) in
            Thread {
                self.server.stop()
                stopped.resume()
            }.start()
        }
    }

    /// The `Fixtures/` directory of the VideoMock checkout this library was built from, when it
    /// is there (a package dependency's checkout is); nil lets the server look for itself.
    static let shippedFixtures: String? = {
        var path = #filePath
        for _ in 0..<3 { path = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)]) }
        let fixtures = path + "/Fixtures"
        return FileManager.default.fileExists(atPath: fixtures + "/catalog") ? fixtures : nil
    }()
}

/// Runs `body` with a server started for it, and stops the server when `body` returns or throws.
///
/// ```swift
/// try await withVideoMock({ $0.timeScale = 0 }) { mock in
///     var request = URLRequest(url: mock.baseURL(.aihubmix).appendingPathComponent("videos"))
///     ...
/// }
/// ```
public func withVideoMock<Result>(
    _ configure: (inout Configuration) -> Void = { _ in }, _ body: (VideoMockTestServer) async throws -> Result
) async throws -> Result {
    let mock = try VideoMockTestServer(configure)
    do {
        let result = try await body(mock)
        await mock.stop()
        return result
    } catch {
        await mock.stop()
        throw error
    }
}
