import Foundation
import JSON
import Testing

/// 100,000 creates from 64 connections across 4 keys, interleaved with polls and deletes.
@Suite("Load")
struct LoadTests {
    /// 100,000 (`make test-load`, release build); `make test` sends 20,000 to its debug build and the
    /// sanitizer runs fewer still (`VIDEOMOCK_LOAD_CREATES`).
    static let creates = ProcessInfo.processInfo.environment["VIDEOMOCK_LOAD_CREATES"].flatMap(Int.init) ?? 100_000
    static let connections = 64
    static let keys = ["sk-load-0", "sk-load-1", "sk-load-2", "sk-load-3"]
    static let batch = 25

    struct Tally {
        var sent = 0
        var serverErrors = 0
        var unexpected: [String] = []
        var created: [String: Set<String>] = [:]
        var deleted: [String: Set<String>] = [:]
    }

    @Test("no 5xx, no task lost: each is retrievable by its key and listed, and the journal counted every request")
    func load() throws {
        let server = try ServerProcess(["--journal-size", "400000", "--time-scale", "0"])
        let port = server.port
        let tally = Locked(Tally())
        let perConnection = LoadTests.creates / LoadTests.connections

        DispatchQueue.concurrentPerform(iterations: LoadTests.connections) { worker in
            let key = LoadTests.keys[worker % LoadTests.keys.count]
            let auth = "Authorization: Bearer \(key)\r\n"
            var local = Tally()
            do {
                let connection = try HTTPConnection(port: port)
                var remaining = perConnection + (worker < LoadTests.creates % LoadTests.connections ? 1 : 0)
                while remaining > 0 {
                    // Pipelined: a batch of creates, then a poll of every second one and a delete of every tenth.
                    let count = min(LoadTests.batch, remaining)
                    remaining -= count
                    let body = #"{"model":"sora-2","prompt":"load test","seconds":"4"}"#
                    let create =
                        "POST /v1/videos HTTP/1.1\r\nHost: x\r\n\(auth)Content-Type: application/json\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
                    try connection.write(String(repeating: create, count: count))
                    var ids: [String] = []
                    for _ in 0..<count {
                        let reply = try connection.readResponse()
                        local.sent += 1
                        if reply.status >= 500 { local.serverErrors += 1 }
                        guard reply.status == 200, let id = reply.json["id"]?.string else {
                            local.unexpected.append("create \(reply.status)")
                            continue
                        }
                        ids.append(id)
                        local.created[key, default: []].insert(id)
                    }
                    var followUps = ""
                    var expected: [(id: String, delete: Bool)] = []
                    for (index, id) in ids.enumerated() where index % 2 == 0 {
                        followUps += "GET /v1/videos/\(id) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
                        expected.append((id, false))
                        if index % 10 == 0 {
                            followUps += "DELETE /v1/videos/\(id) HTTP/1.1\r\nHost: x\r\n\(auth)\r\n"
                            expected.append((id, true))
                        }
                    }
                    try connection.write(followUps)
                    for item in expected {
                        let reply = try connection.readResponse()
                        local.sent += 1
                        if reply.status >= 500 { local.serverErrors += 1 }
                        if reply.status != 200 { local.unexpected.append("\(item.delete ? "delete" : "poll") \(reply.status)") }
                        if item.delete { local.deleted[key, default: []].insert(item.id) }
                    }
                }
            } catch {
                local.unexpected.append("\(error)")
            }
            tally.mutate { total in
                total.sent += local.sent
                total.serverErrors += local.serverErrors
                total.unexpected += local.unexpected
                total.created.merge(local.created) { $0.union($1) }
                total.deleted.merge(local.deleted) { $0.union($1) }
            }
        }

        let result = tally.value
        #expect(result.serverErrors == 0)
        #expect(result.unexpected.prefix(5) == [])
        #expect(result.created.values.reduce(0) { $0 + $1.count } == LoadTests.creates)
        // The journal counted every request sent (the admin API is not journaled).
        #expect(try server.get("/__admin/requests/count", key: nil).json["count"]?.int == result.sent)

        // Every surviving task is listed for its key, and retrievable; deleted ones are gone.
        for key in LoadTests.keys {
            let alive = result.created[key, default: []].subtracting(result.deleted[key, default: []])
            var listed = Set<String>()
            var after: String?
            let connection = try HTTPConnection(port: port)
            repeat {
                let page = try connection.send(
                    "GET", "/v1/videos?limit=100&order=asc" + (after.map { "&after=\($0)" } ?? ""),
                    headers: [("Authorization", "Bearer \(key)")])
                let ids = page.json["data"]?.array?.compactMap { $0["id"]?.string } ?? []
                listed.formUnion(ids)
                after = page.json["has_more"] == true ? ids.last : nil
            } while after != nil
            #expect(listed == alive, "key \(key): \(listed.count) listed, \(alive.count) alive")

            var statuses: [Int: Int] = [:]
            let all = Array(result.created[key, default: []])
            for start in stride(from: 0, to: all.count, by: 200) {
                let chunk = all[start..<min(start + 200, all.count)]
                try connection.write(
                    chunk.map { "GET /v1/videos/\($0) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\n\r\n" }.joined())
                for id in chunk {
                    let reply = try connection.readResponse()
                    statuses[reply.status, default: 0] += 1
                    if reply.status == 200 { #expect(reply.json["id"] == .string(id)) }
                }
            }
            #expect(statuses == [200: alive.count, 404: result.deleted[key, default: []].count])
        }
    }
}
