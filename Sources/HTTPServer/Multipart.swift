import Glibc

/// One part of a `multipart/form-data` body.
package struct MultipartPart: Sendable, Equatable {
    package var name: String
    package var filename: String?
    package var contentType: String?
    package var body: [UInt8]

    /// The body as text, when it is UTF-8.
    package var text: String? { String(validating: body, as: UTF8.self) }
}

/// Why a multipart body could not be read.
package struct MultipartError: Error, Equatable, Sendable, CustomStringConvertible {
    package let description: String
}

/// A `multipart/form-data` parser (RFC 7578).
package enum MultipartForm {
    /// The boundary parameter of a `multipart/form-data` Content-Type.
    package static func boundary(fromContentType contentType: String) throws(MultipartError) -> String {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingHTTPWhitespace().equalsIgnoringASCIICase("boundary") else { continue }
            var value = pair[1].trimmingHTTPWhitespace()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = value.dropFirst().dropLast() }
            guard !value.isEmpty, value.utf8.count <= 70 else { break }
            return String(value)
        }
        throw MultipartError(description: "multipart/form-data Content-Type has no valid boundary parameter")
    }

    package static func parse(_ body: [UInt8], contentType: String) throws(MultipartError) -> [MultipartPart] {
        try parse(body, boundary: boundary(fromContentType: contentType))
    }

    package static func parse(_ body: [UInt8], boundary: String) throws(MultipartError) -> [MultipartPart] {
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        guard var cursor = find(delimiter, in: body, from: 0) else {
            throw MultipartError(description: "multipart body does not contain the boundary '\(boundary)'")
        }
        cursor += delimiter.count
        var parts: [MultipartPart] = []
        while true {
            if body.count - cursor >= 2, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") {
                return parts  // closing delimiter; an epilogue may follow and is ignored
            }
            // Transport padding, then the CRLF that ends the delimiter line.
            while cursor < body.count, body[cursor] == 0x20 || body[cursor] == 0x09 { cursor += 1 }
            guard body.count - cursor >= 2, body[cursor] == 0x0D, body[cursor + 1] == 0x0A else {
                throw MultipartError(description: "multipart body ends without a closing boundary (unterminated part)")
            }
            cursor += 2
            guard
                let headEnd = find(Array("\r\n\r\n".utf8), in: body, from: cursor)
                    ?? (body[cursor...].starts(with: [0x0D, 0x0A]) ? cursor - 2 : nil)
            else { throw MultipartError(description: "multipart part \(parts.count + 1) has unterminated headers") }
            let headers = String(decoding: body[cursor..<max(cursor, headEnd)], as: UTF8.self)
            let contentStart = headEnd + 4
            guard let contentEnd = find(separator, in: body, from: contentStart - 2) else {
                throw MultipartError(description: "multipart part \(parts.count + 1) is not terminated by the boundary (unterminated part)")
            }
            parts.append(try part(headers: headers, body: Array(body[min(contentStart, contentEnd)..<contentEnd]), index: parts.count + 1))
            cursor = contentEnd + separator.count
        }
    }

    private static func part(headers: String, body: [UInt8], index: Int) throws(MultipartError) -> MultipartPart {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headers.split(separator: "\r\n") where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw MultipartError(description: "multipart part \(index) has a malformed header line")
            }
            let field = line[..<colon].trimmingHTTPWhitespace()
            let value = line[line.index(after: colon)...].trimmingHTTPWhitespace()
            if field.equalsIgnoringASCIICase("Content-Type") {
                contentType = String(value)
            } else if field.equalsIgnoringASCIICase("Content-Disposition") {
                for parameter in dispositionParameters(value) {
                    if parameter.key == "name" { name = parameter.value }
                    if parameter.key == "filename" { filename = parameter.value }
                }
            }
        }
        guard let name else {
            throw MultipartError(description: "multipart part \(index) has no Content-Disposition name")
        }
        return MultipartPart(name: name, filename: filename, contentType: contentType, body: body)
    }

    /// `form-data; name="a"; filename="b.png"` → [(name, a), (filename, b.png)], quotes and escapes removed.
    private static func dispositionParameters(_ value: Substring) -> [(key: String, value: String)] {
        var result: [(key: String, value: String)] = []
        var rest = value[...]
        while let semicolon = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semicolon)...]
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = rest[..<equals].trimmingHTTPWhitespace().lowercased()
            var valueText = rest[rest.index(after: equals)...].drop { $0 == " " }
            var parsed = ""
            if valueText.first == "\"" {
                valueText = valueText.dropFirst()
                var escaped = false
                var end = valueText.endIndex
                for index in valueText.indices {
                    let character = valueText[index]
                    if escaped {
                        parsed.append(character); escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        end = index; break
                    } else {
                        parsed.append(character)
                    }
                }
                rest = end < valueText.endIndex ? valueText[valueText.index(after: end)...] : valueText[valueText.endIndex...]
            } else {
                let end = valueText.firstIndex(of: ";") ?? valueText.endIndex
                parsed = String(valueText[..<end].trimmingHTTPWhitespace())
                rest = valueText[end...]
            }
            result.append((key: key, value: parsed))
        }
        return result
    }

    /// The index of the first occurrence of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard start >= 0, !needle.isEmpty, haystack.count - start >= needle.count else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pattern in
                let base = hay.baseAddress!
                let last = hay.count - pattern.count
                var position = start
                while position <= last {
                    // memchr finds candidates for the first byte at C speed.
                    guard let hit = memchr(base + position, Int32(pattern[0]), last - position + 1) else { return nil }
                    position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, pattern.baseAddress!, pattern.count) == 0 { return position }
                    position += 1
                }
                return nil
            }
        }
    }
}
