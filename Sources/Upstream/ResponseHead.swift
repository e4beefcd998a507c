import HTTPServer

/// An upstream reply's status line and headers.
package struct ResponseHead: Sendable {
    package var status: Int
    package var headers: HTTPHeaders

    /// Parses `HTTP/1.1 200 OK\r\nName: value\r\n...` (the blank line excluded).
    package static func parse(_ bytes: UnsafeRawBufferPointer) -> ResponseHead? {
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let statusLine = lines.popFirst(), statusLine.hasPrefix("HTTP/1.") else { return nil }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]), (100...999).contains(status) else { return nil }
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { return nil }
            headers.add(String(line[..<colon]), String(line[line.index(after: colon)...].trimmingHTTPWhitespace()))
        }
        return ResponseHead(status: status, headers: headers)
    }

    /// Headers that describe one connection (RFC 9110 §7.6.1) or the body's framing: not passed on.
    static let hopByHop: Set<String> = [
        "connection", "keep-alive", "proxy-connection", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "content-length",
    ]

    /// The headers a proxy passes on: without hop-by-hop ones, nor those `Connection` names.
    package var endToEndHeaders: HTTPHeaders {
        let named = Set((headers["Connection"] ?? "").split(separator: ",").map { $0.trimmingHTTPWhitespace().lowercased() })
        var kept = HTTPHeaders()
        for field in headers where !Self.hopByHop.contains(field.name.lowercased()) && !named.contains(field.name.lowercased()) {
            kept.add(field.name, field.value)
        }
        return kept
    }
}
