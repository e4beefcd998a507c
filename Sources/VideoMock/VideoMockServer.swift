import Admin
import AdminContract
import Glibc
import HTTPServer
import JSON
import VideoMockCore

/// A running VideoMock server: everything loaded, listening, and serving on its own threads
/// until `stop()`.
public final class VideoMockServer: Sendable {
    /// This build's version (`videomock --version`).
    public static let version = videoMockVersion

    let pipeline: RequestPipeline
    let http: HTTPServer
    private let shutdownGrace: Double

    /// Validates the configuration, loads everything, binds and starts serving.
    public init(configuration: Configuration) throws(StartupError) {
        let startup = try Startup(configuration)
        shutdownGrace = configuration.shutdownGraceSeconds
        pipeline = RequestPipeline(startup, configuration: configuration)
        do {
            http = try HTTPServer(
                host: configuration.host, port: configuration.port, configuration: VideoMockServer.http(configuration), handler: pipeline)
        } catch { throw StartupError(description: "\(error)") }
        http.start(threads: configuration.threads ?? availableCores())
    }

    /// The HTTP layer's settings.
    static func http(_ configuration: Configuration) -> HTTPServerConfiguration {
        HTTPServerConfiguration(
            maxBodyBytes: configuration.maxBodyBytes, idleTimeoutSeconds: configuration.idleTimeoutSeconds,
            errorResponse: RequestPipeline.protocolError)
    }

    /// Everything a server loads, answering request bytes directly, with no socket or thread;
    /// and a way to let go of the videos it made.
    package static func direct(configuration: Configuration) throws(StartupError) -> (DirectExchange, cleanUp: @Sendable () -> Void) {
        let pipeline = RequestPipeline(try Startup(configuration), configuration: configuration)
        return (DirectExchange(configuration: http(configuration), handler: pipeline), { pipeline.engine.media.removeMade() })
    }

    /// The verdict on the client of `apiKey` (nil: every key): what `GET /__admin/verdict` answers.
    public func verdict(apiKey: String? = nil) -> VerdictReport { pipeline.engine.verdict(for: apiKey).report }

    /// Every task of `apiKey` (nil: everyone's), as `GET /__admin/tasks` lists them.
    public func tasks(apiKey: String? = nil) -> [TaskInfo] {
        pipeline.engine.tasks(owner: apiKey).map { AdminAPI.info($0, timeScale: pipeline.engine.clock.timeScale) }
    }

    /// Stops accepting, lets requests already read get their replies for up to the shutdown
    /// grace, closes every connection, and returns once every thread has ended. Calling it again
    /// does nothing.
    public func stop() {
        http.shutdown(grace: shutdownGrace)
        pipeline.engine.media.removeMade()
    }

    /// The bound port (the one the system picked when 0 was asked for).
    public var port: Int { http.port }

    /// `http://HOST:PORT`, with IPv6 hosts in brackets.
    public var url: String {
        let host = http.host.contains(":") ? "[\(http.host)]" : http.host
        return "http://\(host):\(http.port)"
    }

    /// Where a client of `provider` points its base URL: `http://HOST:PORT/aihubmix/v1`.
    public func baseURL(_ provider: Configuration.Provider) -> String {
        "\(url)/\(provider.rawValue)/v1"
    }
}

/// The number of cores online: one event loop each, unless told otherwise.
private func availableCores() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
