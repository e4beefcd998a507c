import JSON
import VideoMockCore

/// The task shape of gateways built on new-api (Mixroute, Amux): `task_id`, `status`, `url`,
/// `format`, `metadata` and `error`. They differ only in their status words.
struct NewAPITaskShape: Sendable {
    let words: [TaskPhase: String]
    /// Whether `progress` (0–100) is reported.
    let reportsProgress: Bool

    func json(_ snapshot: TaskSnapshot, url: String?) -> JSON {
        let spec = snapshot.spec
        var object: JSONObject = [
            "task_id": .string(snapshot.id),
            "status": .string(words[snapshot.phase] ?? snapshot.phase.rawValue),
        ]
        if reportsProgress { object["progress"] = .int(snapshot.progress) }
        object["url"] = JSON(url)
        object["format"] = "mp4"
        object["metadata"] = [
            "duration": .int(spec.duration),
            "fps": .int(spec.fps),
            "width": .int(spec.dimensions.width),
            "height": .int(spec.dimensions.height),
            "seed": spec.parameters["seed"] ?? .null,
        ]
        object["error"] = snapshot.failure.map { ["code": .string($0.code), "message": .string($0.message)] } ?? .null
        return .object(object)
    }
}

extension TaskSpec {
    /// The spec with a seed chosen when the request gave none, as the upstream models report one.
    func seeded(_ seed: @autoclosure () -> Int) -> TaskSpec {
        guard parameters["seed"] == nil else { return self }
        var copy = self
        copy.parameters["seed"] = .int(seed())
        return copy
    }
}

extension JSONObject {
    /// Every field but `excluded` as request parameters, plus the fields of the object under
    /// `nested` (labelled `nested.key`), for gateways that pass vendor fields through there.
    func parameters(excluding excluded: Set<String>, flattening nested: String? = nil) throws(APIError) -> ParameterSet {
        var set = ParameterSet()
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
