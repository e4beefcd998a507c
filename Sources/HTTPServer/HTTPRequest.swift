/// One parsed HTTP request, body included.
package struct HTTPRequest: Sendable {
    package enum Version: Sendable, Equatable { case http10, http11 }

    package var method: HTTPMethod
    /// The request target exactly as sent: path and query, still percent-encoded.
    package var target: String {
        didSet { queryMark = HTTPRequest.queryMark(in: target) }
    }
    /// Where the `?` before the query is, found once: the path is read several times a request.
    private var queryMark: String.Index?
    package var version: Version
    package var headers: RequestHeaders
    package var body: [UInt8]
    /// Filled in by the router from `{name}` segments of the matched pattern.
    package var pathParameters = PathParameters()

    package init(method: HTTPMethod, target: String, version: Version = .http11, headers: RequestHeaders = [:], body: [UInt8] = []) {
        self.method = method
        self.target = target
        queryMark = HTTPRequest.queryMark(in: target)
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The request a parsed head and its body make (the query's place found by the parse).
    init(_ head: RequestHead, body: [UInt8]) {
        method = head.method
        target = head.target
        queryMark = head.queryOffset.map { head.target.utf8.index(head.target.utf8.startIndex, offsetBy: $0) }
        version = head.version
        headers = head.headers
        self.body = body
    }

    /// Where the `?` is, looked for in the contiguous bytes (walking String indices costs more).
    private static func queryMark(in target: String) -> String.Index? {
        let question = UInt8(ascii: "?")
        guard let offset = target.utf8.withContiguousStorageIfAvailable({ $0.firstIndex(of: question) }) else {
            return target.utf8.firstIndex(of: question)
        }
        return offset.map { target.utf8.index(target.startIndex, offsetBy: $0) }
    }

    /// The path part of the target, still percent-encoded.
    package var path: Substring {
        if let queryMark { return target[..<queryMark] }
        return target[...]
    }

    /// The query string after `?`, if any.
    package var queryString: Substring? {
        guard let queryMark else { return nil }
        return target[target.utf8.index(after: queryMark)...]
    }

    /// Query parameters, percent- and plus-decoded; the first of repeated names wins.
    package var query: [String: String] {
        var result: [String: String] = [:]
        guard let queryString else { return result }
        for pair in queryString.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0], plusAsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? (percentDecode(parts[1], plusAsSpace: true) ?? String(parts[1])) : ""
            if result[name] == nil { result[name] = value }
        }
        return result
    }

    /// The media type of the body without parameters, lower-cased (`application/json`).
    package var mediaType: String? {
        guard let value = headers[.contentType] else { return nil }
        let end = value.utf8.firstIndex(of: UInt8(ascii: ";")) ?? value.endIndex
        let type = value[..<end].trimmingHTTPWhitespace()
        guard !type.isEmpty else { return nil }
        return type.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) ? type.lowercased() : String(type)
    }

    /// The token of an `Authorization: Bearer TOKEN` header, if that is what was sent.
    package var bearerToken: String? { headers.bearerToken }
}

/// Percent-decodes `text`; nil when an escape is malformed or the result is not UTF-8.
package func percentDecode(_ text: some StringProtocol, plusAsSpace: Bool = false) -> String? {
    if !text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusAsSpace && $0 == UInt8(ascii: "+")) }) { return String(text) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count)
    var iterator = text.utf8.makeIterator()
    while let byte = iterator.next() {
        if byte == UInt8(ascii: "%") {
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        } else if plusAsSpace && byte == UInt8(ascii: "+") {
            bytes.append(UInt8(ascii: " "))
        } else {
            bytes.append(byte)
        }
    }
    return String(validating: bytes, as: UTF8.self)
}

private func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}

extension HTTPRequest {
    /// The value of cookie `name` in the `Cookie` header, if sent.
    package func cookie(_ name: String) -> String? {
        guard let header = headers[.cookie] else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingHTTPWhitespace() == name { return String(parts[1].trimmingHTTPWhitespace()) }
        }
        return nil
    }
}
