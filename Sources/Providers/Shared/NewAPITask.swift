import HTTPServer
import JSON
import VideoMockCore

/// The task shape of gateways built on new-api (Mixroute, Amux): `task_id`, `status`, `url`,
/// `format`, `metadata` and `error`. They differ only in their status words.
struct NewAPITaskShape: Sendable {
    let words: [TaskPhase: String]
    /// Whether `progress` (0–100) is reported.
    let reportsProgress: Bool

    func response(_ snapshot: TaskSnapshot, url: String?) -> HTTPResponse {
        let spec = snapshot.spec
        return .json { writer in
            writer.beginObject()
            writer.field("task_id", snapshot.id)
            writer.field("status", words[snapshot.phase] ?? snapshot.phase.rawValue)
            if reportsProgress { writer.field("progress", snapshot.progress) }
            writer.field("url", url)
            writer.field("format", "mp4")
            writer.key("metadata")
            writer.beginObject()
            writer.field("duration", spec.duration)
            writer.field("fps", spec.fps)
            writer.field("width", spec.dimensions.width)
            writer.field("height", spec.dimensions.height)
            writer.key("seed")
            writer.value(spec.seed ?? .null)
            writer.endObject()
            writer.key("error")
            if let failure = snapshot.failure {
                writer.beginObject()
                writer.field("code", failure.code)
                writer.field("message", failure.message)
                writer.endObject()
            } else {
                writer.null()
            }
            writer.endObject()
        }
    }
}

extension TaskSpec {
    /// The spec with a seed chosen when the request gave none, as the upstream models report one.
    func seeded(_ seed: @autoclosure () -> Int) -> TaskSpec {
        guard self.seed == nil else { return self }
        var copy = self
        copy.parameters["seed"] = .int(seed())
        return copy
    }
}

extension JSONObject {
    /// Every field but `excluded` as request parameters, plus the fields of the object under
    /// `nested` (labelled `nested.key`), for gateways that pass vendor fields through there.
    func parameters(excluding excluded: Set<String>, flattening nested: String? = nil) throws(APIError) -> ParameterSet {
        var set = ParameterSet(capacity: count + 4)
        for (key, value) in self where !excluded.contains(key) {
            if key == nested {
                guard let inner = value.object else {
                    throw APIError.invalid("'\(key)' must be an object, got \(value.typeDescription).", param: key, code: "invalid_type")
                }
                for (innerKey, innerValue) in inner { set.set(innerKey, innerValue, label: "\(key).\(innerKey)") }
            } else {
                set.set(key, value)
            }
        }
        return set
    }
}
