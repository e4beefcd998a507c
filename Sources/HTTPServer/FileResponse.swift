/// Replies with a file, honouring a `Range: bytes=...` header (RFC 9110 §14).
extension HTTPResponse {
    /// 200 with the whole file, 206 with one satisfiable range, or 416 when no byte of the range
    /// exists, its body whatever `unsatisfiable` makes of the file's size (each API refuses in its
    /// own words). Several ranges, or a Range header that does not parse, get the whole file.
    package static func file(
        path: String, size: Int, contentType: String, range: String?, headers extra: HTTPHeaders = [:],
        unsatisfiable: (_ size: Int) -> HTTPResponse
    ) -> HTTPResponse {
        let evaluated = ByteRange.evaluate(range, size: size)
        if case .whole = evaluated, extra.fields.isEmpty, let known = wholeFileHeaders.first(where: { $0.type == contentType }) {
            return HTTPResponse(status: 200, headers: known.headers, body: .file(path: path, offset: 0, length: size))
        }
        var headers = extra
        headers.set("Content-Type", contentType)
        headers.set("Accept-Ranges", "bytes")
        switch evaluated {
        case .whole:
            return HTTPResponse(status: 200, headers: headers, body: .file(path: path, offset: 0, length: size))
        case .partial(let offset, let length):
            headers.set("Content-Range", "bytes \(offset)-\(offset + length - 1)/\(size)")
            return HTTPResponse(status: 206, headers: headers, body: .file(path: path, offset: offset, length: length))
        case .unsatisfiable:
            var refusal = unsatisfiable(size)
            refusal.status = 416
            refusal.headers.set("Content-Range", "bytes */\(size)")
            refusal.headers.set("Accept-Ranges", "bytes")
            return refusal
        }
    }
}

/// The headers of a whole file of the types served most, written once.
private let wholeFileHeaders = ["video/mp4", "image/webp", "image/jpeg"].map { type in
    (type: type, headers: HTTPHeaders(fields: [("Content-Type", type), ("Accept-Ranges", "bytes")]).writtenOnce())
}

/// The outcome of a Range header against a resource of known size.
package enum ByteRange: Equatable, Sendable {
    case whole
    case partial(offset: Int, length: Int)
    case unsatisfiable

    package static func evaluate(_ header: String?, size: Int) -> ByteRange {
        guard let header else { return .whole }
        let trimmed = header.trimmingHTTPWhitespace()
        guard trimmed.lowercased().hasPrefix("bytes=") else { return .whole }
        let spec = trimmed.dropFirst(6).trimmingHTTPWhitespace()
        guard !spec.contains(","), let dash = spec.firstIndex(of: "-") else { return .whole }
        let first = spec[..<dash].trimmingHTTPWhitespace()
        let last = spec[spec.index(after: dash)...].trimmingHTTPWhitespace()
        let digits = { (s: Substring) in !s.isEmpty && s.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } }
        if first.isEmpty {
            guard digits(last), let suffix = Int(last) else { return .whole }
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            let length = min(suffix, size)
            return .partial(offset: size - length, length: length)
        }
        guard digits(first), let start = Int(first) else { return .whole }
        var end = size - 1
        if !last.isEmpty {
            guard digits(last), let requested = Int(last), requested >= start else { return .whole }
            end = min(requested, size - 1)
        }
        guard start < size else { return .unsatisfiable }
        return .partial(offset: start, length: end - start + 1)
    }
}
