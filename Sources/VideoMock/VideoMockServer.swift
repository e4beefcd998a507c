import Glibc
import HTTPServer
import VideoMockCore

/// A running VideoMock server: everything loaded, listening, and serving on its own threads.
public final class VideoMockServer: Sendable {
    let pipeline: RequestPipeline
    let http: HTTPServer

    /// Validates the configuration, loads everything, binds and starts serving.
    public init(configuration: Configuration) throws(StartupError) {
        let startup = try Startup(configuration)
        pipeline = RequestPipeline(startup, configuration: configuration)
        do {
            http = try HTTPServer(
                host: configuration.host, port: configuration.port,
                configuration: HTTPServerConfiguration(
                    maxBodyBytes: configuration.maxBodyBytes, idleTimeoutSeconds: configuration.idleTimeoutSeconds,
                    errorResponse: RequestPipeline.protocolError),
                handler: pipeline)
        } catch { throw StartupError(description: "\(error)") }
        http.start(threads: configuration.threads ?? availableCores())
    }

    /// The bound port (the one the system picked when 0 was asked for).
    public var port: Int { http.port }

    /// `http://HOST:PORT`, with IPv6 hosts in brackets.
    public var url: String {
        let host = http.host.contains(":") ? "[\(http.host)]" : http.host
        return "http://\(host):\(http.port)"
    }
}

/// The number of cores online: one event loop each, unless told otherwise.
private func availableCores() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
}
