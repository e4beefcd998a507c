import Glibc
import JSON

/// Writes status lines and header blocks.
enum ResponseEncoding {
    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 201: "Created"
        case 202: "Accepted"
        case 204: "No Content"
        case 206: "Partial Content"
        case 301: "Moved Permanently"
        case 302: "Found"
        case 304: "Not Modified"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 402: "Payment Required"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 409: "Conflict"
        case 410: "Gone"
        case 411: "Length Required"
        case 413: "Content Too Large"
        case 414: "URI Too Long"
        case 415: "Unsupported Media Type"
        case 416: "Range Not Satisfiable"
        case 417: "Expectation Failed"
        case 422: "Unprocessable Content"
        case 429: "Too Many Requests"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        case 505: "HTTP Version Not Supported"
        default: "Status \(status)"
        }
    }

    /// The status line of the statuses VideoMock sends most, whole.
    static func statusLine(_ status: Int) -> StaticString? {
        switch status {
        case 200: "HTTP/1.1 200 OK\r\n"
        case 201: "HTTP/1.1 201 Created\r\n"
        case 206: "HTTP/1.1 206 Partial Content\r\n"
        case 400: "HTTP/1.1 400 Bad Request\r\n"
        case 404: "HTTP/1.1 404 Not Found\r\n"
        case 429: "HTTP/1.1 429 Too Many Requests\r\n"
        default: nil
        }
    }

    /// The head of `response`: status line, its headers, then Content-Length (or, when nil, chunked
    /// framing when `chunked`, else none: the body ends with the connection), Date, Server and
    /// Connection unless the response set them itself.
    static func head(of response: HTTPResponse, contentLength: Int?, chunked: Bool = false, keepAlive: Bool, date: HTTPDate) -> [UInt8] {
        var out = ByteBuffer(capacity: 256)
        writeHead(of: response, contentLength: contentLength, chunked: chunked, keepAlive: keepAlive, date: date, into: &out)
        return out.array
    }

    /// The same head, written into `out`.
    static func writeHead(
        of response: HTTPResponse, contentLength: Int?, chunked: Bool = false, keepAlive: Bool, date: HTTPDate, into out: inout ByteBuffer
    ) {
        if let line = statusLine(response.status) {
            out.append(line)
        } else {
            out.append("HTTP/1.1 ")
            out.appendDecimal(response.status)
            out.append(0x20)
            out.append(utf8: reasonPhrase(response.status))
            out.append("\r\n")
        }
        let own: HeadLines.OwnFields
        if let lines = response.headers.lines {
            lines.bytes.withUnsafeBufferPointer { out.append($0) }
            own = lines.own
        } else {
            own = HeadLines.write(response.headers, into: &out)
        }
        let (hasLength, hasDate, hasServer) = (own.hasLength, own.hasDate, own.hasServer)
        if let contentLength, !hasLength {
            out.append("Content-Length: ")
            out.appendDecimal(contentLength)
            out.append("\r\n")
        } else if contentLength == nil, chunked {
            out.append("Transfer-Encoding: chunked\r\n")
        }
        if !hasDate, !hasServer {
            date.lines.withUnsafeBufferPointer { out.append($0) }
        } else {
            if !hasDate { out.appendField("Date", date.text) }
            if !hasServer { out.append("Server: videomock\r\n") }
        }
        out.append(keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n")
    }
}

/// Header fields as a head carries them (`name: value` lines), and which of the fields the
/// server writes itself they set. A `Connection` field is left out: the server decides it.
final class HeadLines: Sendable {
    struct OwnFields {
        var hasLength = false, hasDate = false, hasServer = false
    }

    let bytes: [UInt8]
    let own: OwnFields

    init(_ headers: HTTPHeaders) {
        var out = ByteBuffer(capacity: 128)
        own = HeadLines.write(headers, into: &out)
        bytes = out.array
    }

    static func write(_ headers: HTTPHeaders, into out: inout ByteBuffer) -> OwnFields {
        var own = OwnFields()
        for field in headers {
            // The four names the server writes itself, told apart by length first.
            switch field.name.utf8.count {
            case 14: if field.name.equalsIgnoringASCIICase("Content-Length") { own.hasLength = true }
            case 4: if field.name.equalsIgnoringASCIICase("Date") { own.hasDate = true }
            case 6: if field.name.equalsIgnoringASCIICase("Server") { own.hasServer = true }
            case 10: if field.name.equalsIgnoringASCIICase("Connection") { continue }
            default: break
            }
            out.appendField(field.name, field.value)
        }
        return own
    }
}

extension ByteBuffer {
    /// `name: value` and a line end.
    mutating func appendField(_ name: String, _ value: String) {
        append(utf8: name)
        append(": ")
        append(utf8: value)
        append("\r\n")
    }
}

/// The current second's date as a head gives it: the text, and the `Date` and `Server` lines.
struct HTTPDate {
    var text: String
    var lines: [UInt8]
}

/// The IMF-fixdate of the current second, recomputed at most once a second per loop.
struct HTTPDateCache {
    private var second: time_t = 0
    private var date = HTTPDate(text: "", lines: [])

    mutating func current() -> HTTPDate {
        let now = time(nil)
        if now != second {
            second = now
            let text = HTTPDateCache.format(now)
            date = HTTPDate(text: text, lines: Array("Date: \(text)\r\nServer: videomock\r\n".utf8))
        }
        return date
    }

    static func format(_ seconds: time_t) -> String {
        var t = seconds
        var parts = tm()
        gmtime_r(&t, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
