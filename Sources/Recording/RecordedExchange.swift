import Glibc
import JSON

/// One request and its reply as a recording keeps it: a line of the `--record` file.
package struct RecordedExchange: Sendable, Equatable {
    /// Seconds since 1970, to the millisecond.
    package var time: Double
    package var provider: String
    /// What the request does (`create`, `retrieve`, `content`, ...), when a route of the provider matched it.
    package var endpoint: String?
    package var method: String
    /// The path as VideoMock serves it: `/aihubmix/v1/videos/{id}`.
    package var path: String
    package var query: String?
    /// The task it belongs to: the one a create made, or the one its path names.
    package var task: String?
    package var requestHeaders: JSONObject
    package var requestBody: JSON?
    package var status: Int
    package var responseHeaders: JSONObject
    package var responseBody: JSON?

    package init(
        time: Double, provider: String, endpoint: String?, method: String, path: String, query: String?, task: String?,
        requestHeaders: JSONObject, requestBody: JSON?, status: Int, responseHeaders: JSONObject, responseBody: JSON?
    ) {
        self.time = time
        self.provider = provider
        self.endpoint = endpoint
        self.method = method
        self.path = path
        self.query = query
        self.task = task
        self.requestHeaders = requestHeaders
        self.requestBody = requestBody
        self.status = status
        self.responseHeaders = responseHeaders
        self.responseBody = responseBody
    }

    package var json: JSON {
        [
            "time": .string(Self.iso8601(time)), "at": .double((time * 1000).rounded() / 1000), "provider": .string(provider),
            "endpoint": JSON(endpoint), "method": .string(method), "path": .string(path), "query": JSON(query), "task": JSON(task),
            "request": ["headers": .object(requestHeaders), "body": requestBody ?? .null],
            "response": ["status": .int(status), "headers": .object(responseHeaders), "body": responseBody ?? .null],
        ]
    }

    /// Reads a line the recorder wrote; nil names what is missing.
    package init(json: JSON) throws(RecordingError) {
        guard let at = json["at"]?.number, let provider = json["provider"]?.string, let method = json["method"]?.string,
            let path = json["path"]?.string, let status = json["response"]?["status"]?.int
        else { throw RecordingError(description: "an exchange needs at, provider, method, path and response.status") }
        self.init(
            time: at, provider: provider, endpoint: json["endpoint"]?.string, method: method, path: path, query: json["query"]?.string,
            task: json["task"]?.string, requestHeaders: json["request"]?["headers"]?.object ?? [:],
            requestBody: json["request"]?["body"].flatMap { $0.isNull ? nil : $0 }, status: status,
            responseHeaders: json["response"]?["headers"]?.object ?? [:],
            responseBody: json["response"]?["body"].flatMap { $0.isNull ? nil : $0 })
    }

    /// The JSON document of the reply, when it had one.
    package var responseJSON: JSON? { responseBody?["json"] }
    package var requestJSON: JSON? { requestBody?["json"] }

    /// A response header, by name in any case.
    package func responseHeader(_ name: String) -> String? {
        responseHeaders.first { $0.key.lowercased() == name.lowercased() }?.value.string
    }

    /// `2026-12-06T13:00:00.123Z`.
    static func iso8601(_ seconds: Double) -> String {
        var whole = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&whole, &parts)
        let milliseconds = Int(((seconds - seconds.rounded(.down)) * 1000).rounded(.down))
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}

/// A recording that cannot be read.
package struct RecordingError: Error, Sendable, CustomStringConvertible {
    package let description: String
    package init(description: String) { self.description = description }
}

/// Every exchange of a recording file, in the order they were written.
package func readRecording(_ path: String) throws(RecordingError) -> [RecordedExchange] {
    guard let file = fopen(path, "r") else {
        throw RecordingError(description: "cannot read \(path): \(String(decoding: strerrorBytes(errno), as: UTF8.self))")
    }
    defer { fclose(file) }
    var exchanges: [RecordedExchange] = []
    var line: UnsafeMutablePointer<CChar>?
    var capacity = 0
    var number = 0
    defer { free(line) }
    while true {
        let length = getline(&line, &capacity, file)
        guard length >= 0, let line else { break }
        number += 1
        let bytes = UnsafeRawBufferPointer(start: line, count: length)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) { continue }
        do {
            exchanges.append(try RecordedExchange(json: try JSON.parse(bytes)))
        } catch {
            throw RecordingError(description: "\(path):\(number): \(error)")
        }
    }
    return exchanges
}

private func strerrorBytes(_ code: Int32) -> [UInt8] {
    guard let text = strerror(code) else { return [] }
    return Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
}
