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

    /// The head of `response`: status line, its headers, then Content-Length (or, when nil, chunked
    /// framing when `chunked`, else none: the body ends with the connection), Date, Server and
    /// Connection unless the response set them itself.
    static func head(of response: HTTPResponse, contentLength: Int?, chunked: Bool = false, keepAlive: Bool, date: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        out.append(text: "HTTP/1.1 ")
        out.appendDecimal(response.status)
        out.append(0x20)
        out.append(text: reasonPhrase(response.status))
        out.appendLineEnd()
        var hasLength = false, hasDate = false, hasServer = false
        for field in response.headers {
            if field.name.equalsIgnoringASCIICase("Content-Length") { hasLength = true }
            if field.name.equalsIgnoringASCIICase("Date") { hasDate = true }
            if field.name.equalsIgnoringASCIICase("Server") { hasServer = true }
            if field.name.equalsIgnoringASCIICase("Connection") { continue }
            out.appendField(field.name, field.value)
        }
        if let contentLength, !hasLength {
            out.append(text: "Content-Length: ")
            out.appendDecimal(contentLength)
            out.appendLineEnd()
        } else if contentLength == nil, chunked {
            out.appendField("Transfer-Encoding", "chunked")
        }
        if !hasDate { out.appendField("Date", date) }
        if !hasServer { out.appendField("Server", "videomock") }
        out.appendField("Connection", keepAlive ? "keep-alive" : "close")
        out.appendLineEnd()
        return out
    }
}

extension [UInt8] {
    /// Appends the UTF-8 of `text`, copied whole from its storage where it has one.
    mutating func append(text: String) {
        let copied: Void? = text.utf8.withContiguousStorageIfAvailable { append(contentsOf: $0) }
        if copied == nil { append(contentsOf: text.utf8) }
    }

    mutating func appendLineEnd() {
        append(0x0D)
        append(0x0A)
    }

    /// `name: value` and a line end.
    mutating func appendField(_ name: String, _ value: String) {
        append(text: name)
        append(0x3A)
        append(0x20)
        append(text: value)
        appendLineEnd()
    }
}

/// The IMF-fixdate of the current second, recomputed at most once a second per loop.
struct HTTPDateCache {
    private var second: time_t = 0
    private var text = ""

    mutating func current() -> String {
        let now = time(nil)
        if now != second {
            second = now
            text = HTTPDateCache.format(now)
        }
        return text
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
