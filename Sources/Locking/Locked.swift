import Glibc

/// A value behind a lock, for state the event loops share. It locks a `pthread_mutex_t`, whose
/// lock and unlock ThreadSanitizer sees: the standard library's `Mutex` waits for a contended lock
/// inside a library TSan does not instrument, and TSan then reports the accesses it orders as
/// races (`make test-tsan` must report only real ones).
package final class Locked<Value>: @unchecked Sendable {
    // Safe to share: `value` is read and written only inside `withLock`, between
    // `pthread_mutex_lock` and `pthread_mutex_unlock` of `mutex`; both live as long as the object.
    // The value sits behind a pointer, not in a stored `var`, so that an access is not checked
    // for exclusivity at run time on every call: the mutex already makes each one exclusive.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let value: UnsafeMutablePointer<Value>

    package init(_ value: Value) {
        self.value = .allocate(capacity: 1)
        self.value.initialize(to: value)
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        value.deinitialize(count: 1)
        value.deallocate()
    }

    /// Runs `body` on the value while holding the lock.
    package func withLock<Result, Failure: Error>(_ body: (inout Value) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value.pointee)
    }
}
