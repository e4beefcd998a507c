import HTTPServer
import JSON
import VideoMockCore

/// Reads the Doubao Seedance request form of Mixroute's versioned model ids: the prompt and
/// images in `metadata.content`, settings as `--name value` markers inside the prompt text.
enum DoubaoContent {
    /// Marker names (long and short) and the parameter each sets.
    static let markers: [String: String] = [
        "ratio": "ratio", "rt": "ratio", "duration": "duration", "dur": "duration", "resolution": "resolution", "rs": "resolution",
        "watermark": "watermark", "wm": "watermark", "seed": "seed", "camerafixed": "camerafixed", "cf": "camerafixed",
    ]

    /// The text item of `metadata.content`, markers and all.
    static func text(in fields: JSONObject) -> String? {
        fields["metadata"]?["content"]?.array?.first { $0["type"]?.string == "text" }?["text"]?.string
    }

    static func parameters(from fields: JSONObject) throws(APIError) -> ParameterSet {
        var set = ParameterSet()
        guard let content = fields["metadata"]?["content"] else {
            throw APIError.invalid(
                "Missing 'metadata.content': Doubao Seedance models take their prompt and images in metadata.content.",
                param: "metadata.content", code: "missing_required_parameter")
        }
        guard let items = content.array else {
            throw APIError.invalid(
                "'metadata.content' must be an array, got \(content.typeDescription).", param: "metadata.content", code: "invalid_type")
        }
        var prompt = fields["prompt"]?.string ?? ""
        var frames: [(role: String, url: JSON)] = []
        for (index, item) in items.enumerated() {
            let label = "metadata.content[\(index)]"
            switch item["type"]?.string {
            case "text"?:
                guard let text = item["text"]?.string else {
                    throw APIError.invalid("'\(label).text' must be a string.", param: "\(label).text", code: "invalid_type")
                }
                prompt = try extractMarkers(from: text, into: &set)
            case "image_url"?:
                guard let url = item["image_url"]?["url"] ?? item["image_url"], url.string != nil else {
                    throw APIError.invalid(
                        "'\(label).image_url.url' is required.", param: "\(label).image_url.url", code: "missing_required_parameter")
                }
                let role = item["role"]?.string ?? (frames.isEmpty ? "first_frame" : "last_frame")
                guard ["first_frame", "last_frame", "reference_image"].contains(role) else {
                    throw APIError.invalid(
                        "Invalid value for '\(label).role': '\(role)'. Allowed values: first_frame, last_frame, reference_image.",
                        param: "\(label).role")
                }
                frames.append((role, url))
            default:
                throw APIError.invalid("'\(label).type' must be 'text' or 'image_url'.", param: "\(label).type")
            }
        }
        set.set("prompt", .string(prompt), label: "metadata.content text")
        for role in ["first_frame", "last_frame"] {
            let urls = frames.filter { $0.role == role }
            if urls.count > 1 {
                throw APIError.invalid("Only one image may have role \(role).", param: "metadata.content")
            }
            if let url = urls.first?.url { set.set(role, url, label: "metadata.content (role \(role))") }
        }
        let references = frames.filter { $0.role == "reference_image" }.map(\.url)
        if !references.isEmpty { set.set("reference_image", .array(references), label: "metadata.content (role reference_image)") }
        return set
    }

    /// The text with its `--name value` markers removed, each marker set as a parameter.
    static func extractMarkers(from text: String, into set: inout ParameterSet) throws(APIError) -> String {
        var kept: [Substring] = []
        let words = text.split(separator: " ", omittingEmptySubsequences: false)
        var index = 0
        while index < words.count {
            let word = words[index]
            if word.hasPrefix("--"), let parameter = markers[String(word.dropFirst(2)).lowercased()] {
                guard index + 1 < words.count, !words[index + 1].isEmpty else {
                    throw APIError.invalid("The prompt marker \(word) needs a value, e.g. --ratio 16:9.", param: parameter)
                }
                set.set(parameter, .string(String(words[index + 1])), label: "\(word) in the prompt")
                index += 2
                continue
            }
            kept.append(word)
            index += 1
        }
        return String(kept.joined(separator: " ").trimmingHTTPWhitespace())
    }
}
