import CLibevent
import Glibc
import JSON

/// One thread's libevent `event_base`, accepting from its own copy of the listening socket.
/// Everything it owns is used only on its thread, except `stopHandle`, which other threads use
/// to ask it to drain and stop.
final class EventLoop {
    let base: OpaquePointer
    let handler: any HTTPHandler
    let configuration: HTTPServerConfiguration
    // The two below sit behind pointers, not in stored `var`s, so that using them is not checked
    // for exclusivity at run time on every reply: only this loop's thread touches them, one reply
    // at a time. Freed with the read buffer when the loop ends.
    let dateCache: UnsafeMutablePointer<HTTPDateCache> = {
        let cache = UnsafeMutablePointer<HTTPDateCache>.allocate(capacity: 1)
        cache.initialize(to: HTTPDateCache())
        return cache
    }()
    /// Where reply heads are written, one at a time, kept for the next (no allocation a reply).
    let replyHead: UnsafeMutablePointer<ByteBuffer> = {
        let head = UnsafeMutablePointer<ByteBuffer>.allocate(capacity: 1)
        head.initialize(to: ByteBuffer(capacity: 1024))
        return head
    }()
    /// Where a connection with nothing buffered reads, so that whole requests are served from
    /// here; only what is left over goes into its input buffer.
    static let readCapacity = 64 << 10
    let readBuffer = UnsafeMutableRawPointer.allocate(byteCount: EventLoop.readCapacity, alignment: 16)
    private var listener: OpaquePointer?
    /// Files served lately, kept open: most are asked for again and again. At most
    /// `openFileLimit`, the least recently used closed first (a file deleted meanwhile is then
    /// let go).
    private var openFiles: [String: Int32] = [:]
    private var openOrder: [String] = []
    /// The file `openFile` gave last (the newest in `openOrder`).
    private var lastFile: (path: String, fd: Int32)?
    static let openFileLimit = 32
    /// Open connections; each also keeps itself alive until it closes.
    private var connections: [ObjectIdentifier: Connection] = [:]
    /// Scheduled actions (scripted delays), owned here so that a stop can free them.
    private var timers: [ObjectIdentifier: TimerAction] = [:]
    /// Set once a stop was asked for: no new connections, no keep-alive after the current reply.
    private(set) var isDraining = false
    private var stopEvent: OpaquePointer?
    /// How long a drain waits for replies in progress; set by `Handle.requestStop`.
    private var grace = 0.0
    /// While out of descriptors, accepting pauses this long before it tries again.
    static let acceptPause = 100
    /// Shared by every loop, so that a server out of descriptors says so once, not once a loop.
    private static let acceptFailures = RateLimitedLog(interval: 10)

    init(listeningSocket: Int32, handler: any HTTPHandler, configuration: HTTPServerConfiguration) {
        // A precise clock: libevent's default coarse one can fire a scripted delay a few ms early.
        let config = event_config_new()
        event_config_set_flag(config, Int32(EVENT_BASE_FLAG_PRECISE_TIMER.rawValue))
        defer { event_config_free(config) }
        guard let base = event_base_new_with_config(config) else { fatalError("event_base_new_with_config failed") }
        self.base = base
        self.handler = handler
        self.configuration = configuration
        let context = Unmanaged.passUnretained(self).toOpaque()
        listener = evconnlistener_new(
            base, acceptConnection, context, UInt32(LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC), -1, listeningSocket)
        guard listener != nil else { fatalError("evconnlistener_new failed: errno \(errno)") }
        evconnlistener_set_error_cb(listener, acceptError)
        stopEvent = event_new(base, -1, 0, stopRequested, context)
    }

    /// Runs the loop on the calling thread until it is stopped, then frees everything it holds.
    func run() {
        event_base_dispatch(base)
        tearDown()
    }

    func accept(_ fd: Int32) {
        guard !isDraining else {
            Glibc.close(fd)
            return
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard let bev = bufferevent_socket_new(base, fd, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else {
            Glibc.close(fd)
            return
        }
        let connection = Connection(bev: bev, loop: self)
        connections[ObjectIdentifier(connection)] = connection
        connection.start()
    }

    /// `accept` failed. Out of descriptors, accepting pauses for a moment (the connections
    /// already open are still served, and closing them frees descriptors); any failure is told
    /// in one line every ten seconds at most.
    func acceptFailed(errno error: Int32) {
        guard !isDraining, let listener else { return }
        // The socket stopped listening: the server is shutting down, and this loop's stop is
        // already on its way (its listener goes when it drains).
        if error == EINVAL { return }
        let outOfDescriptors = [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error)
        let pause = outOfDescriptors ? " accepting paused for \(EventLoop.acceptPause) ms at a time until descriptors are free" : ""
        EventLoop.acceptFailures.write("videomock: accept failed: \(String(cString: strerror(error)));\(pause)")
        guard outOfDescriptors else { return }
        evconnlistener_disable(listener)
        after(milliseconds: EventLoop.acceptPause) { [self] in
            if let listener = self.listener, !isDraining { evconnlistener_enable(listener) }
        }
    }

    /// A connection closed: forget it, and end the loop if it was the last one of a drain.
    func closed(_ connection: Connection) {
        connections[ObjectIdentifier(connection)] = nil
        if isDraining, connections.isEmpty { event_base_loopbreak(base) }
    }

    /// A descriptor for reading `path`, opened once per loop.
    func openFile(_ path: String) -> Int32? {
        // The file served last, asked for again, is found without hashing its path (the media
        // store hands out the same string each time, which compares without reading it).
        if let last = lastFile, last.path == path { return last.fd }
        if let fd = openFiles[path] {
            if let index = openOrder.lastIndex(of: path) {
                openOrder.remove(at: index)
                openOrder.append(path)
            }
            lastFile = (path, fd)
            return fd
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        openFiles[path] = fd
        openOrder.append(path)
        if openOrder.count > EventLoop.openFileLimit, let oldest = openFiles.removeValue(forKey: openOrder.removeFirst()) {
            Glibc.close(oldest)
        }
        lastFile = (path, fd)
        return fd
    }

    /// Runs `action` on this loop after `milliseconds`.
    func after(milliseconds: Int, _ action: @escaping () -> Void) {
        let timer = TimerAction(loop: self, action: action)
        guard let event = event_new(base, -1, 0, runTimerAction, Unmanaged.passUnretained(timer).toOpaque()) else { return }
        timer.event = event
        timers[ObjectIdentifier(timer)] = timer
        var delay = timeval(seconds: Double(milliseconds) / 1000)
        // Timers count from the loop's cached time, which lags by whatever this turn of the loop
        // has done so far: refresh it so the delay is never shorter than asked.
        event_base_update_cache_time(base)
        event_add(event, &delay)
    }

    fileprivate func fire(_ timer: TimerAction) {
        timers[ObjectIdentifier(timer)] = nil
        event_free(timer.event)
        timer.action()
    }

    // MARK: Stopping

    /// On the loop's thread: stop accepting, close idle connections, let the others finish
    /// their replies for up to `grace` seconds.
    fileprivate func drain() {
        guard !isDraining else { return }
        var waiting: Set<ObjectIdentifier> = []
        if let listener {
            let socket = evconnlistener_get_fd(listener)
            waiting = acceptWaiting(socket)
            // Every loop's copy stops listening at once: from here on, connecting is refused.
            Glibc.shutdown(socket, Int32(SHUT_RD))
            evconnlistener_free(listener)
        }
        listener = nil
        isDraining = true
        for (id, connection) in connections where connection.isIdle && !waiting.contains(id) { connection.close() }
        if connections.isEmpty {
            event_base_loopbreak(base)
            return
        }
        after(milliseconds: Int(grace * 1000)) { [self] in
            for connection in Array(connections.values) { connection.close() }
            event_base_loopbreak(base)
        }
    }

    /// Takes the connections whose handshake the kernel completed before the stop: closing the
    /// socket would reset them, though their clients may have sent a request already. They are
    /// served like the others (one reply, then closed) within the grace.
    private func acceptWaiting(_ socket: Int32) -> Set<ObjectIdentifier> {
        let before = Set(connections.keys)
        while true {
            let fd = Glibc.accept(socket, nil, nil)
            guard fd >= 0 else { break }
            evutil_make_socket_nonblocking(fd)
            evutil_make_socket_closeonexec(fd)
            accept(fd)
        }
        return Set(connections.keys).subtracting(before)
    }

    private func tearDown() {
        for connection in Array(connections.values) { connection.close() }
        for timer in timers.values { event_free(timer.event) }
        timers = [:]
        for fd in openFiles.values { Glibc.close(fd) }
        lastFile = nil
        openFiles = [:]
        if let listener { evconnlistener_free(listener) }
        listener = nil
        if let stopEvent { event_free(stopEvent) }
        stopEvent = nil
        event_base_free(base)
        readBuffer.deallocate()
        dateCache.deinitialize(count: 1)
        dateCache.deallocate()
        replyHead.deinitialize(count: 1)
        replyHead.deallocate()
    }

    /// Carries a loop to the thread that runs it, and lets other threads ask it to stop.
    final class Handle: @unchecked Sendable {
        // Safe to share: the loop is used only by the thread that runs it, except here in
        // `requestStop`, which writes `grace` and then calls `event_active`. That call is
        // thread-safe once `evthread_use_pthreads()` has run (HTTPServer.init calls it), and its
        // lock orders the write before the loop thread reads `grace`. The loop frees the event
        // only after it stopped; `HTTPServer` asks once and joins the thread before letting go.
        private let loop: EventLoop

        init(_ loop: EventLoop) { self.loop = loop }

        func run() { loop.run() }

        func requestStop(grace: Double) {
            loop.grace = grace
            event_active(loop.stopEvent, Int32(EV_READ), 0)
        }
    }
}

private final class TimerAction {
    unowned let loop: EventLoop
    let action: () -> Void
    var event: OpaquePointer?

    init(loop: EventLoop, action: @escaping () -> Void) {
        self.loop = loop
        self.action = action
    }
}

private let runTimerAction: event_callback_fn = { _, _, context in
    let timer = Unmanaged<TimerAction>.fromOpaque(context!).takeUnretainedValue()
    timer.loop.fire(timer)
}

private let acceptConnection: evconnlistener_cb = { _, fd, _, _, context in
    Unmanaged<EventLoop>.fromOpaque(context!).takeUnretainedValue().accept(fd)
}

private let acceptError: evconnlistener_errorcb = { _, context in
    let error = errno
    Unmanaged<EventLoop>.fromOpaque(context!).takeUnretainedValue().acceptFailed(errno: error)
}

private let stopRequested: event_callback_fn = { _, _, context in
    Unmanaged<EventLoop>.fromOpaque(context!).takeUnretainedValue().drain()
}
