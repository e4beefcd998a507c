import Foundation
import JSON
import Testing

/// A shared server through a long suite: every test a new key, reset afterwards. Memory must
/// level off, not grow with every task ever made (`make test-load` runs it, against the release
/// binary; `VIDEOMOCK_CHURN=1` turns it on).
@Suite("Key churn", .enabled(if: ProcessInfo.processInfo.environment["VIDEOMOCK_CHURN"] == "1"))
struct ChurnTests {
    static let workers = 4
    static let keysPerRound = 100
    static let rounds = 5

    /// One key's test: 100 creates, 200 polls, then its reset.
    static func test(key: String, on connection: HTTPConnection) throws {
        let auth = "Authorization: Bearer \(key)\r\n"
        var creates = ""
        for n in 0..<100 {
            let body = #"{"model":"sora-2","prompt":"churn \#(n)","seconds":"4"}"#
            creates +=
                "POST /v1/videos HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\n"
                + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
        }
        try connection.write(creates)
        var ids: [String] = []
        for _ in 0..<100 {
            let reply = try connection.readResponse()
            guard reply.status == 200, let id = reply.json["id"]?.string else { throw TestFailure("create answered \(reply.status)") }
            ids.append(id)
        }
        try connection.write((ids + ids).map { "GET /v1/videos/\($0) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n" }.joined())
        for _ in 0..<200 where try connection.readResponse().status != 200 { throw TestFailure("a poll failed") }
        let reset = try connection.send("POST", "/__admin/reset?api_key=\(key)")
        guard reset.status == 200 else { throw TestFailure("reset answered \(reset.status)") }
    }

    @Test("memory levels off under key churn: at most 10 MB more between the second round and the fifth")
    func churn() throws {
        let server = try ServerProcess()
        let pid = server.process.processIdentifier, port = server.port
        var rss: [Int] = []
        for round in 0..<ChurnTests.rounds {
            let failures = Locked([String]())
            DispatchQueue.concurrentPerform(iterations: ChurnTests.workers) { worker in
                do {
                    let connection = try HTTPConnection(port: port)
                    for n in 0..<ChurnTests.keysPerRound {
                        try ChurnTests.test(key: "sk-churn-\(round)-\(worker)-\(n)", on: connection)
                    }
                } catch {
                    failures.mutate { $0.append("\(error)") }
                }
            }
            #expect(failures.value == [])
            #expect(try server.get("/__admin/tasks/count", key: nil).json["count"] == 0)
            rss.append(residentKilobytes(of: pid))
        }
        print("RSS after each round (kB): \(rss)")
        #expect(rss[4] - rss[1] <= 10 * 1024, "RSS by round: \(rss) kB")
    }
}

/// The resident set of process `pid`, in kB.
func residentKilobytes(of pid: Int32) -> Int {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
}
