import HTTPServer
import JSON
import Media
import Upstream

/// How a recording writes a body: JSON as JSON, text as text, a form's fields (its files as
/// type, size and SHA-256), and media or other bytes as a descriptor. Credentials are redacted.
package enum BodyDescription {
    /// A body held whole (a request, or a reply that is a document); nil when empty.
    package static func describe(_ body: [UInt8], contentType: String?) -> JSON? {
        guard !body.isEmpty else { return nil }
        let type = contentType?.lowercased() ?? ""
        if type.contains("json") || (type.isEmpty && (body.first == UInt8(ascii: "{") || body.first == UInt8(ascii: "["))),
            let json = try? JSON.parse(body)
        {
            return ["json": redacted(json)]
        }
        if type.hasPrefix("multipart/form-data"), let parts = try? MultipartForm.parse(body, contentType: contentType ?? "") {
            return ["multipart": .array(parts.map(describe))]
        }
        if type.hasPrefix("text/") || type.contains("xml") || type.contains("x-www-form-urlencoded") || type.isEmpty,
            let text = String(validating: body, as: UTF8.self)
        {
            return ["text": .string(type.contains("x-www-form-urlencoded") ? Redaction.query(text) : Redaction.urls(in: text))]
        }
        return bytes(contentType: contentType, size: body.count, sha256: SHA256Digest.hex(body), movie: nil)
    }

    /// Bytes not written: their type, size and SHA-256, and for an MP4 what it holds.
    package static func bytes(contentType: String?, size: Int, sha256: String, movie: MovieFacts?) -> JSON {
        var descriptor: JSONObject = ["content_type": JSON(contentType), "size": .int(size), "sha256": .string(sha256)]
        if let movie {
            descriptor["mp4"] = [
                "seconds": .double((movie.seconds * 1000).rounded() / 1000), "width": .int(movie.width), "height": .int(movie.height),
                "fps": .double((movie.fps * 1000).rounded() / 1000), "audio": .bool(movie.hasAudio),
            ]
        }
        return ["media": .object(descriptor)]
    }

    private static func describe(_ part: MultipartPart) -> JSON {
        if part.filename == nil, part.contentType == nil || part.contentType?.hasPrefix("text/") == true, let text = part.text {
            return ["name": .string(part.name), "value": .string(Redaction.isSecret(part.name) ? Redaction.mark : text)]
        }
        return [
            "name": .string(part.name), "filename": JSON(part.filename), "content_type": JSON(part.contentType),
            "size": .int(part.body.count), "sha256": .string(SHA256Digest.hex(part.body)),
        ]
    }

    /// `json` with credential-named fields and signed-URL credentials replaced.
    package static func redacted(_ json: JSON) -> JSON {
        switch json {
        case .object(let object):
            return .object(JSONObject(object.map { ($0.key, Redaction.isSecret($0.key) ? .string(Redaction.mark) : redacted($0.value)) }))
        case .array(let items):
            return .array(items.map(redacted))
        case .string(let text):
            if text.lowercased().hasPrefix("bearer ") { return .string(Redaction.mark) }
            return .string(Redaction.urls(in: text))
        default:
            return json
        }
    }

    /// Headers as a JSON object, credentials replaced (a repeated name's values joined by ", ").
    package static func headers(_ fields: some Sequence<(name: String, value: String)>) -> JSONObject {
        var object = JSONObject()
        for (name, value) in fields {
            let shown = Redaction.isSecret(name) ? Redaction.mark : Redaction.urls(in: value)
            if let earlier = object[name]?.string { object[name] = .string(earlier + ", " + shown) } else { object[name] = .string(shown) }
        }
        return object
    }
}
