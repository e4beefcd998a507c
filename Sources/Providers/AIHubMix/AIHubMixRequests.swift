import JSON
import VideoMockCore

extension AIHubMix {
    /// The create body's fields as catalog parameters. `extra_body` is passed through to models
    /// that take it (Kling) and otherwise read like top-level fields, its `content` array
    /// becoming one parameter per role (Seedance 2.0's reference images, videos and audio).
    func parameters(from fields: JSONObject, model: ModelSpec) throws(APIError) -> ParameterSet {
        var set = ParameterSet(capacity: fields.count + 4)
        for (key, value) in fields where !key.isKey("model") {
            if key.isKey("extra_body"), model.rule(named: "extra_body") == nil {
                guard let extra = value.object else {
                    throw APIError.invalid(
                        "'extra_body' must be an object, got \(value.typeDescription).", param: "extra_body", code: "invalid_type")
                }
                for (innerKey, innerValue) in extra {
                    if innerKey == "content" {
                        try addContent(innerValue, to: &set)
                    } else {
                        set.set(innerKey, innerValue, label: "extra_body.\(innerKey)")
                    }
                }
                continue
            }
            set.set(key, value)
        }
        return set
    }

    /// Which roles each content item type may play.
    private static let contentRoles: [String: [String]] = [
        "image_url": ["reference_image", "first_frame", "last_frame"],
        "video_url": ["reference_video"],
        "audio_url": ["reference_audio"],
    ]

    private func addContent(_ value: JSON, to set: inout ParameterSet) throws(APIError) {
        guard let items = value.array else {
            throw APIError.invalid(
                "'extra_body.content' must be an array, got \(value.typeDescription).", param: "extra_body.content", code: "invalid_type")
        }
        var byRole: [(role: String, urls: [JSON])] = []
        for (index, item) in items.enumerated() {
            let label = "extra_body.content[\(index)]"
            guard let object = item.object, let type = object["type"]?.string else {
                throw APIError.invalid("'\(label)' must be an object with a 'type'.", param: label)
            }
            if type == "text" { continue }
            guard let roles = AIHubMix.contentRoles[type] else {
                throw APIError.invalid(
                    "Invalid value for '\(label).type': '\(type)'. Allowed values: image_url, video_url, audio_url, text.",
                    param: "\(label).type")
            }
            let role = object["role"]?.string ?? roles[0]
            guard roles.contains(role) else {
                throw APIError.invalid(
                    "Invalid value for '\(label).role': '\(role)'. A \(type) item takes role \(roles.joined(separator: " or ")).",
                    param: "\(label).role")
            }
            guard let url = object[type]?["url"] ?? object[type], url.string != nil else {
                throw APIError.invalid(
                    "'\(label).\(type).url' is required.", param: "\(label).\(type).url", code: "missing_required_parameter")
            }
            if let position = byRole.firstIndex(where: { $0.role == role }) {
                byRole[position].urls.append(url)
            } else {
                byRole.append((role, [url]))
            }
        }
        for (role, urls) in byRole {
            set.set(role, .array(urls), label: "extra_body.content (role \(role))")
        }
    }
}
