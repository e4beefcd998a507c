import CLibevent
import Glibc

/// One thread's libevent `event_base`, accepting from its own copy of the listening socket.
/// Everything it owns is used only on its thread.
final class EventLoop {
    let base: OpaquePointer
    let handler: any HTTPHandler
    let configuration: HTTPServerConfiguration
    var dateCache = HTTPDateCache()
    private var listener: OpaquePointer?
    /// Files served, kept open for the life of the loop (they are read-only fixtures).
    private var openFiles: [String: Int32] = [:]

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
    }

    /// Runs the loop on the calling thread until the process ends.
    func run() {
        event_base_dispatch(base)
    }

    func accept(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        guard let bev = bufferevent_socket_new(base, fd, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue)) else {
            Glibc.close(fd)
            return
        }
        Connection(bev: bev, loop: self).start()
    }

    /// A descriptor for reading `path`, opened once per loop.
    func openFile(_ path: String) -> Int32? {
        if let fd = openFiles[path] { return fd }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        openFiles[path] = fd
        return fd
    }

    /// Runs `action` on this loop after `milliseconds`.
    func after(milliseconds: Int, _ action: @escaping () -> Void) {
        let box = Unmanaged.passRetained(TimerAction(action)).toOpaque()
        var delay = timeval(seconds: Double(milliseconds) / 1000)
        // Timers count from the loop's cached time, which lags by whatever this turn of the loop
        // has done so far: refresh it so the delay is never shorter than asked.
        event_base_update_cache_time(base)
        event_base_once(base, -1, Int16(EV_TIMEOUT), runTimerAction, box, &delay)
    }
}

private final class TimerAction {
    let action: () -> Void
    init(_ action: @escaping () -> Void) { self.action = action }
}

private let runTimerAction: event_callback_fn = { _, _, context in
    Unmanaged<TimerAction>.fromOpaque(context!).takeRetainedValue().action()
}

private let acceptConnection: evconnlistener_cb = { _, fd, _, _, context in
    Unmanaged<EventLoop>.fromOpaque(context!).takeUnretainedValue().accept(fd)
}
