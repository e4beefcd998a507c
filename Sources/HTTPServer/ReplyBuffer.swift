import Glibc
import JSON

/// Where JSON reply bodies are written: one buffer per thread (an event loop's, on a served
/// connection), kept from reply to reply. A handler writes its reply's body here as it answers
/// (`HTTPResponse.Body.written`), and the connection sends it from here before the thread
/// answers anything else: no buffer or array of its own a reply. A reply held back (a scripted
/// delay or throttle) takes a copy first (`HTTPResponse.kept`).
package enum ReplyBuffer {
    /// A body in a thread's buffer: readable on that thread until it writes the next.
    package struct Mark: Sendable, Equatable {
        /// The buffer's address: which thread's it is.
        let owner: UInt
        let generation: Int
        package let count: Int
    }

    private struct Scratch: ~Copyable {
        var writer = JSONWriter(capacity: 4096)
        var generation = 0
        var isWriting = false
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { pointer in
            guard let scratch = pointer?.assumingMemoryBound(to: Scratch.self) else { return }
            scratch.deinitialize(count: 1)
            scratch.deallocate()
        }
        precondition(created == 0, "pthread_key_create failed")
        return key
    }()

    /// This thread's buffer, made on first use and freed when the thread ends. Behind a pointer:
    /// only its own thread reaches it, so its uses need no exclusivity checks.
    private static var scratch: UnsafeMutablePointer<Scratch> {
        if let pointer = pthread_getspecific(key) { return pointer.assumingMemoryBound(to: Scratch.self) }
        let scratch = UnsafeMutablePointer<Scratch>.allocate(capacity: 1)
        scratch.initialize(to: Scratch())
        pthread_setspecific(key, scratch)
        return scratch
    }

    /// Writes a body with `write` into this thread's buffer, over the one written before.
    package static func write(_ write: (inout JSONWriter) -> Void) -> Mark {
        let scratch = scratch
        precondition(!scratch.pointee.isWriting, "a reply body is written while another is")
        scratch.pointee.isWriting = true
        scratch.pointee.generation &+= 1
        scratch.pointee.writer.reset()
        write(&scratch.pointee.writer)
        scratch.pointee.isWriting = false
        return Mark(owner: UInt(bitPattern: scratch), generation: scratch.pointee.generation, count: scratch.pointee.writer.count)
    }

    /// The bytes `mark` stands for.
    package static func withBytes<T>(_ mark: Mark, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let scratch = scratch
        precondition(
            mark.owner == UInt(bitPattern: scratch) && mark.generation == scratch.pointee.generation,
            "a reply body is read after its thread wrote the next, or on another thread")
        return try scratch.pointee.writer.withBytes(body)
    }
}
