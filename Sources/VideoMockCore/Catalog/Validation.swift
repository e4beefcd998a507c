import JSON

extension Catalog {
    /// Validates a request for `modelID` against its catalog entry: the one routine every model goes through.
    package func validate(modelID: String, _ request: ParameterSet, modelLabel: String = "model") throws(ValidationError) -> TaskSpec {
        guard let model = model(modelID) else {
            throw ValidationError(
                parameter: modelLabel, code: .unknownModel,
                message: "Unknown model '\(modelID)'. Available models: \(modelIDs.joined(separator: ", ")).")
        }
        return try model.validate(request, knownParameters: knownParameters)
    }
}

extension ModelSpec {
    package func validate(_ request: ParameterSet, knownParameters: Set<String>) throws(ValidationError) -> TaskSpec {
        let rules = effectiveRules(for: request)
        var accepted = JSONObject()
        accepted.reserveCapacity(rules.count)
        var byRole = RoleValues(capacity: rules.count)
        // Which rules were given a value, by position (a request's names are distinct, and so are a model's).
        var given = RuleMarks(count: rules.count)

        for entry in request.entries {
            guard let index = rules.firstIndex(where: { $0.name.isKey(entry.name) }) else {
                if knownParameters.contains(entry.name) {
                    throw ValidationError(
                        parameter: entry.label, code: .unsupportedParameter,
                        message: "Model \(id) does not support '\(entry.label)'. It takes: \(rules.map(\.name).joined(separator: ", ")).")
                }
                if strict {
                    throw ValidationError(
                        parameter: entry.label, code: .unknownParameter,
                        message:
                            "Unsupported parameter '\(entry.label)' for model \(id): it is not mapped and would not be passed on. "
                            + "Supported parameters: \(rules.map(\.name).joined(separator: ", "))."
                    )
                }
                continue
            }
            let rule = rules[index]
            let value = try rule.check(entry.value, label: entry.label, model: id)
            if let earlier = byRole[rule.role], earlier.value != value {
                throw ValidationError(
                    parameter: entry.label, code: .invalidValue,
                    message: "'\(earlier.label)' and '\(entry.label)' mean the same thing but differ; send one of them.")
            }
            byRole[rule.role] = (value, entry.label)
            accepted.append(newKey: rule.name, value)
            given.mark(index)
        }

        for (index, rule) in rules.enumerated() where !given.contains(index) {
            if byRole[rule.role] != nil { continue }  // given under another name with the same role
            if rule.required {
                throw ValidationError(
                    parameter: rule.name, code: .missingParameter,
                    message: "Missing required parameter '\(rule.name)' for model \(id).")
            }
            if let value = rule.defaultValue {
                accepted.append(newKey: rule.name, value)
                byRole[rule.role] = (value, rule.name)
            }
        }

        try checkMarkers(rules: rules, accepted: accepted)
        return spec(from: accepted, byRole: byRole, rules: rules)
    }

    /// The model's rules with the constraints of present parameters applied.
    func effectiveRules(for request: ParameterSet) -> [ParameterRule] {
        var rules = parameters
        for constraint in constraints where request.contains(constraint.when) {
            for (name, rule) in constraint.rules {
                if let index = rules.firstIndex(where: { $0.name.isKey(name) }) { rules[index] = rule }
            }
        }
        return rules
    }

    /// Reference images that must be named in the prompt (`[图1]`) are.
    private func checkMarkers(rules: [ParameterRule], accepted: JSONObject) throws(ValidationError) {
        let prompt = accepted["prompt"]?.string ?? ""
        for rule in rules {
            guard let marker = rule.marker, let items = accepted[rule.name]?.array, !items.isEmpty else { continue }
            for number in 1...items.count {
                let expected = marker.replacingOccurrences(of: "{n}", with: String(number))
                if !prompt.contains(expected) {
                    throw ValidationError(
                        parameter: rule.name, code: .invalidValue,
                        message: "Reference image \(number) must be referred to in the prompt as \(expected).")
                }
            }
        }
    }

    private func spec(from accepted: JSONObject, byRole: RoleValues, rules: [ParameterRule]) -> TaskSpec {
        func role(_ name: String) -> JSON? { byRole[name]?.value }
        var inputs: [String: Int] = [:]
        for rule in rules where rule.kind == .image || rule.kind == .images {
            guard let value = accepted[rule.name] else { continue }
            switch rule.kind {
            case .image: inputs[rule.role, default: 0] += 1
            case .images: inputs[rule.role, default: 0] += value.array?.count ?? 0
            default: break
            }
        }
        let hasAudio: Bool
        switch audio {
        case .always: hasAudio = true
        case .never: hasAudio = false
        case .optional: hasAudio = role("audio").map(ModelSpec.isOn) ?? false
        }
        let sizeRule = rules.first { $0.role.isKey("size") }
        let size = role("size")?.string
        return TaskSpec(
            model: id,
            prompt: accepted["prompt"]?.string ?? "",
            duration: role("duration")?.int ?? 5,
            size: size,
            dimensions: dimensions(size: size, sizeRule: sizeRule, role: role),
            fps: role("fps")?.int ?? fps,
            hasAudio: hasAudio,
            inputs: inputs,
            parameters: accepted,  // the prompt left out: it is kept once, as the spec's prompt
            shape: shape)
    }

    static func isOn(_ value: JSON) -> Bool {
        switch value {
        case .bool(let on): on
        case .string(let text): ["on", "true", "yes", "1"].contains(text.lowercased())
        default: false
        }
    }

    /// Every frame size the model's listed values can give (explicit widths and heights aside,
    /// which are numbers, not a list): each size token, and each resolution label at each
    /// aspect ratio, defaults included.
    package var listedDimensions: Set<Dimensions> {
        var result: Set<Dimensions> = []
        for rules in [parameters]
            + constraints.map({ constraint in
                parameters.map { constraint.rules[$0.name] ?? $0 }
            })
        {
            func choices(_ role: String) -> [String?] {
                let rule = rules.first { $0.role == role }
                let values = (rule?.values ?? []).map(Optional.some)
                return values.isEmpty ? [rule?.defaultValue?.string] : values
            }
            let sizeRule = rules.first { $0.role == "size" }
            let sizes: [String?] = [nil] + (sizeRule?.values ?? []).map(Optional.some)
            for size in sizes {
                for resolution in choices("resolution") {
                    for mode in choices("mode") {
                        for ratio in choices("aspect_ratio") {
                            let given: [String: String?] = ["resolution": resolution, "mode": mode, "aspect_ratio": ratio]
                            result.insert(dimensions(size: size, sizeRule: sizeRule) { role in (given[role] ?? nil).map(JSON.string) })
                        }
                    }
                }
            }
        }
        return result
    }

    /// The frame size: an explicit width and height, a size token, or a label at an aspect ratio.
    private func dimensions(size: String?, sizeRule: ParameterRule?, role: (String) -> JSON?) -> Dimensions {
        if let width = role("width")?.int, let height = role("height")?.int, width > 0, height > 0 {
            return Dimensions(width: width, height: height)
        }
        let ratio = role("aspect_ratio")?.string ?? "16:9"
        if let size {
            if let produced = sizeRule?.produces[size] { return produced }
            if let parsed = Dimensions(size) { return parsed }
            if let labelled = Dimensions.from(label: size, ratio: ratio) { return labelled }
            if size.contains(":"), let fromRatio = Dimensions.from(label: "1080p", ratio: size) { return fromRatio }
        }
        let label = role("resolution")?.string ?? role("mode")?.string ?? "720p"
        return Dimensions.from(label: label, ratio: ratio) ?? Dimensions(width: 1280, height: 720)
    }
}

/// A set of rule positions: a word's bits for the first 64 (no allocation), an array beyond.
struct RuleMarks {
    private var bits: UInt64 = 0
    private var more: [Bool]

    init(count: Int) { more = count > 64 ? [Bool](repeating: false, count: count) : [] }

    mutating func mark(_ index: Int) {
        if index < 64 { bits |= 1 << UInt64(index) } else { more[index] = true }
    }

    func contains(_ index: Int) -> Bool { index < 64 ? bits & (1 << UInt64(index)) != 0 : more[index] }
}

/// The accepted value for each role: a handful of entries, so a list beats hashing.
struct RoleValues {
    private var entries: [(role: String, value: JSON, label: String)] = []

    init(capacity: Int) { entries.reserveCapacity(capacity) }

    subscript(role: String) -> (value: JSON, label: String)? {
        get { entries.first { $0.role.isKey(role) }.map { ($0.value, $0.label) } }
        set {
            let index = entries.firstIndex { $0.role.isKey(role) }
            switch (index, newValue) {
            case (let index?, let newValue?): entries[index] = (role, newValue.value, newValue.label)
            case (let index?, nil): entries.remove(at: index)
            case (nil, let newValue?): entries.append((role, newValue.value, newValue.label))
            case (nil, nil): break
            }
        }
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension ModelSpec {
    /// Checks one parameter's value against this model's rule for it.
    package func check(_ name: String, _ value: JSON) throws(ValidationError) -> JSON {
        guard let rule = rule(named: name) else {
            throw ValidationError(parameter: name, code: .unsupportedParameter, message: "Model \(id) does not support '\(name)'.")
        }
        return try rule.check(value, label: name, model: id)
    }
}
