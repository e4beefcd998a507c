import JSON

/// Checks image inputs in the forms the providers accept and summarises them, so that a task
/// keeps a short description rather than megabytes of base64.
package enum ImageReference {
    /// A URL, a `data:` URL, bare base64, a `{"mime_type","data"}` or `{"url"}` object, or an
    /// uploaded file (`{"filename","content_type","size"}`, as providers record multipart parts).
    package static func describe(_ value: JSON, label: String) throws(ValidationError) -> String {
        func invalid(_ message: String) -> ValidationError {
            ValidationError(parameter: label, code: .invalidValue, message: message)
        }
        switch value {
        case .string(let text):
            return try describe(text: text, label: label)
        case .object(let object):
            if let url = object["url"]?.string ?? object["image_url"]?["url"]?.string ?? object["video_url"]?.string {
                return try describe(text: url, label: "\(label).url")
            }
            if let data = object["data"]?.string {
                let mime = object["mime_type"]?.string ?? object["mimeType"]?.string ?? "application/octet-stream"
                guard let count = Base64.decodedCount(data) else {
                    throw invalid("'\(label).data' is not valid base64.")
                }
                return "inline \(mime), \(count) bytes"
            }
            if let filename = object["filename"]?.string, let size = object["size"]?.int {
                return "upload \(filename) (\(object["content_type"]?.string ?? "application/octet-stream"), \(size) bytes)"
            }
            throw invalid("'\(label)' must be a URL, a data: URL, base64, or an object with 'url' or 'mime_type' and 'data'.")
        default:
            throw invalid("'\(label)' must be an image URL, a data: URL or base64, got \(summary(of: value)).")
        }
    }

    private static func describe(text: String, label: String) throws(ValidationError) -> String {
        let invalid = { (message: String) in ValidationError(parameter: label, code: .invalidValue, message: message) }
        if text.hasPrefix("http://") || text.hasPrefix("https://") {
            guard text.count > 8, !text.contains(" ") else { throw invalid("'\(label)' is not a valid URL.") }
            return text.count > 200 ? String(text.prefix(200)) + "…" : text
        }
        if text.hasPrefix("data:") {
            guard let comma = text.firstIndex(of: ","), text[..<comma].hasSuffix(";base64") else {
                throw invalid("'\(label)' is a data: URL without ';base64,' (expected data:image/png;base64,...).")
            }
            let mime = text[text.index(text.startIndex, offsetBy: 5)..<comma].dropLast(7)
            guard let count = Base64.decodedCount(text[text.index(after: comma)...]) else {
                throw invalid("'\(label)' is a data: URL whose base64 payload is invalid.")
            }
            return "inline \(mime.isEmpty ? "application/octet-stream" : String(mime)), \(count) bytes"
        }
        guard !text.isEmpty, let count = Base64.decodedCount(text) else {
            throw invalid("'\(label)' must be an http(s) URL, a data: URL or base64; got text that is none of these.")
        }
        return "inline base64, \(count) bytes"
    }
}
