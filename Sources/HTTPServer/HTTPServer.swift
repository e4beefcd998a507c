import CLibevent
import Glibc
import Locking

/// Why the server could not start listening.
package struct HTTPServerError: Error, CustomStringConvertible {
    package let description: String
}

/// An HTTP/1.1 server: one listening socket, served by `threads` libevent loops.
package final class HTTPServer: Sendable {
    package let host: String
    /// The bound port (the one the OS picked when 0 was asked for).
    package let port: Int
    private let socket: Int32
    private let handler: any HTTPHandler
    private let configuration: HTTPServerConfiguration
    /// The running loops and their threads, and whether the listening socket is still open.
    private let state = Locked<(loops: [(loop: EventLoop.Handle, thread: pthread_t)], isOpen: Bool)>(([], true))

    /// Binds and listens; no request is served before `start`.
    package init(host: String, port: Int, configuration: HTTPServerConfiguration, handler: any HTTPHandler) throws {
        guard (0...65535).contains(port) else { throw HTTPServerError(description: "port \(port) is not in 0...65535") }
        signal(SIGPIPE, SIG_IGN)
        _ = HTTPServer.libeventThreads
        _ = Diagnostics.routeLibeventLog
        (socket, self.port) = try HTTPServer.listen(host: host, port: port)
        self.host = host
        self.handler = handler
        self.configuration = configuration
    }

    /// libevent's locks, set up once per process: a second, concurrent set-up aborts in libevent.
    private static let libeventThreads: Void = { _ = evthread_use_pthreads() }()

    /// Starts `threads` event loops in background threads and returns.
    package func start(threads: Int) {
        state.withLock { state in
            guard state.isOpen else { return }
            for _ in 0..<max(1, threads) {
                let loop = EventLoop.Handle(EventLoop(listeningSocket: dup(socket), handler: handler, configuration: configuration))
                state.loops.append((loop, startThread { loop.run() }))
            }
        }
    }

    /// Stops listening (new connections are refused, not reset; those already made are served),
    /// closes idle connections, lets requests already read get their replies (scripted delays
    /// included) for up to `grace` seconds, closes what is left and waits for every loop thread
    /// to end. Later calls do nothing.
    package func shutdown(grace: Double) {
        let (loops, wasOpen) = state.withLock { state in
            defer { state = ([], false) }
            return (state.loops, state.isOpen)
        }
        guard wasOpen else { return }
        // The first loop to drain shuts the shared socket down, after taking the connections
        // already waiting in it (see `EventLoop.drain`).
        for entry in loops { entry.loop.requestStop(grace: grace) }
        Glibc.close(socket)
        for entry in loops { pthread_join(entry.thread, nil) }
    }

    private static func listen(host: String, port: Int) throws -> (Int32, Int) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw HTTPServerError(description: "cannot resolve host '\(host)': \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for host '\(host)'"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 || Glibc.listen(fd, 1024) != 0 {
                lastError = "cannot listen on \(host):\(port): \(String(cString: strerror(errno)))"
                Glibc.close(fd)
                continue
            }
            evutil_make_socket_nonblocking(fd)
            return (fd, boundPort(of: fd))
        }
        throw HTTPServerError(description: lastError)
    }

    private static func boundPort(of fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        let family = storage.ss_family
        let networkOrder: UInt16 = withUnsafePointer(to: &storage) { pointer in
            if family == sa_family_t(AF_INET6) {
                pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
            } else {
                pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
            }
        }
        return Int(UInt16(bigEndian: networkOrder))
    }
}

/// Runs `body` on a new POSIX thread, to be joined.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t {
    final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
        &thread, nil,
        { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
    precondition(status == 0, "pthread_create failed: \(status)")
    return thread
}
