import Foundation
import JSON

/// A VideoMock server a test talks to in HTTP, wherever it runs.
protocol MockServer: AnyObject {
    /// Sends one request's bytes and reads its reply.
    func exchange(_ request: [UInt8], isHead: Bool) throws -> HTTPResult
}

/// A server listening on a port, which each request reaches on a new connection.
protocol ListeningServer: MockServer {
    var port: Int { get }
}

extension ListeningServer {
    func exchange(_ request: [UInt8], isHead: Bool) throws -> HTTPResult {
        let connection = try HTTPConnection(port: port)
        try connection.write(request)
        return try connection.readResponse(isHead: isHead)
    }
}

extension MockServer {
    /// Sends one request (on a new connection, for a server that listens).
    func request(
        _ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [], key: String? = "sk-test"
    ) throws -> HTTPResult {
        var all = headers
        if let key { all.append(("Authorization", "Bearer \(key)")) }
        return try exchange(HTTPConnection.request(method, path, headers: all, body: body), isHead: method == "HEAD")
    }

    /// POSTs a JSON body.
    func post(_ path: String, json: JSON, key: String? = "sk-test") throws -> HTTPResult {
        try request("POST", path, headers: [("Content-Type", "application/json")], body: json.bytes, key: key)
    }

    func get(_ path: String, key: String? = "sk-test", headers: [(String, String)] = []) throws -> HTTPResult {
        try request("GET", path, headers: headers, key: key)
    }

    /// Moves the manual clock.
    func advance(seconds: Double) throws {
        let result = try post("/__admin/clock/advance", json: ["seconds": .double(seconds)], key: nil)
        guard result.status == 200 else { throw TestFailure("clock advance failed: \(result.text)") }
    }

    /// Creates a task and returns its id.
    func create(_ body: JSON, path: String = "/v1/videos", key: String = "sk-test") throws -> String {
        let result = try post(path, json: body, key: key)
        guard result.status == 200, let id = result.json["id"]?.string ?? result.json["task_id"]?.string else {
            throw TestFailure("create failed: \(result.status) \(result.text)")
        }
        return id
    }
}
