import Foundation
import Testing
import VideoMockTesting

/// In a process of its own (this package's tests, run one at a time), where no other server runs meanwhile.
@Suite("Starting and stopping")
struct StartStopTests {
    @Test("100 start and stop cycles leave threads, descriptors and memory flat")
    func cycles() throws {
        func cycle() throws {
            let mock = try VideoMockTestServer()
            mock.stop()
        }
        for _ in 0..<5 { try cycle() }
        let before = (threads: Self.count("/proc/self/task"), descriptors: Self.count("/proc/self/fd"), rss: Self.residentKB())
        for _ in 0..<100 { try cycle() }
        let after = (threads: Self.count("/proc/self/task"), descriptors: Self.count("/proc/self/fd"), rss: Self.residentKB())
        #expect(after.threads <= before.threads + 1)
        #expect(after.descriptors <= before.descriptors + 2)
        #expect(after.rss - before.rss < 8 * 1024, "RSS grew from \(before.rss) kB to \(after.rss) kB")
    }

    static func count(_ directory: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: directory).count) ?? -1
    }

    static func residentKB() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }
}
