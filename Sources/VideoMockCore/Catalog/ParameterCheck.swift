import JSON

extension ParameterRule {
    /// The value in its canonical form, or why it is not acceptable.
    func check(_ value: JSON, label: String, model: String) throws(ValidationError) -> JSON {
        func invalid(_ message: String, _ code: ValidationError.Code = .invalidValue) -> ValidationError {
            ValidationError(parameter: label, code: code, message: message)
        }
        switch kind {
        case .integer:
            let int: Int?
            switch value {
            case .int(let i): int = i
            case .double(let d): int = d == d.rounded() && abs(d) < 1e15 ? Int(d) : nil
            case .string(let s): int = Int(s) ?? Int(s.trimmingSpaces())
            default: int = nil
            }
            guard let int else {
                throw invalid("'\(label)' must be an integer (or a string of digits), got \(summary(of: value)).", .invalidType)
            }
            try checkAllowed(String(int), number: Double(int), label: label, model: model)
            return .int(int)
        case .number:
            let number: Double?
            switch value {
            case .int(let i): number = Double(i)
            case .double(let d): number = d
            case .string(let s): number = Double(s.trimmingSpaces())
            default: number = nil
            }
            guard let number, number.isFinite else {
                throw invalid("'\(label)' must be a number, got \(summary(of: value)).", .invalidType)
            }
            try checkAllowed(nil, number: number, label: label, model: model)
            return .double(number)
        case .boolean:
            switch value {
            case .bool: return value
            case .string(let s) where s == "true" || s == "false": return .bool(s == "true")
            default: throw invalid("'\(label)' must be true or false, got \(summary(of: value)).", .invalidType)
            }
        case .string:
            guard let text = value.string else {
                throw invalid("'\(label)' must be a string, got \(summary(of: value)).", .invalidType)
            }
            if let max, text.utf8.count > max, text.count > max {  // characters never outnumber bytes
                throw invalid("'\(label)' is \(text.count) characters long; model \(model) accepts at most \(max).")
            }
            if required, !text.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 }) {
                throw invalid("'\(label)' must not be empty.")
            }
            if let prefix, !text.hasPrefix(prefix) {
                throw invalid("'\(label)' must start with '\(prefix)', got '\(text.prefix(60))'.")
            }
            try checkAllowed(text, number: nil, label: label, model: model)
            return value
        case .size:
            guard let text = value.string else {
                throw invalid(
                    "'\(label)' must be a string such as \"\(values?.first ?? "1280x720")\", got \(summary(of: value)).", .invalidType)
            }
            let canonical = star ? text.replacingOccurrences(of: "*", with: "x") : text
            try checkAllowed(canonical, number: nil, label: label, model: model)
            return .string(canonical)
        case .image:
            return .string(try ImageReference.describe(value, label: label))
        case .images:
            guard let items = value.array else {
                throw invalid("'\(label)' must be an array of images, got \(summary(of: value)).", .invalidType)
            }
            if let max, items.count > max {
                throw invalid("'\(label)' has \(items.count) items; model \(model) accepts at most \(max).")
            }
            var described: [JSON] = []
            for (index, item) in items.enumerated() {
                described.append(.string(try ImageReference.describe(item, label: "\(label)[\(index)]")))
            }
            return .array(described)
        case .array:
            guard let items = value.array else {
                throw invalid("'\(label)' must be an array, got \(summary(of: value)).", .invalidType)
            }
            if let max, items.count > max {
                throw invalid("'\(label)' has \(items.count) items; model \(model) accepts at most \(max).")
            }
            guard let fields else { return value }
            var checked: [JSON] = []
            for (index, item) in items.enumerated() {
                checked.append(try Self.checkItem(item, fields: fields, label: "\(label)[\(index)]", model: model))
            }
            return .array(checked)
        case .object:
            guard value.object != nil else {
                throw invalid("'\(label)' must be an object, got \(summary(of: value)).", .invalidType)
            }
            return value
        }
    }

    /// One array item: an object whose fields each meet their rule, required ones present,
    /// defaults filled in, and no field the catalog does not name.
    private static func checkItem(_ item: JSON, fields: [ParameterRule], label: String, model: String) throws(ValidationError) -> JSON {
        let names = fields.map(\.name).joined(separator: ", ")
        guard let object = item.object else {
            throw ValidationError(
                parameter: label, code: .invalidType, message: "'\(label)' must be an object with \(names), got \(summary(of: item)).")
        }
        var checked = JSONObject()
        for (key, value) in object {
            guard let field = fields.first(where: { $0.name == key }) else {
                throw ValidationError(
                    parameter: "\(label).\(key)", code: .unknownParameter,
                    message: "Unsupported field '\(label).\(key)' for model \(model). Each item takes: \(names).")
            }
            checked[key] = try field.check(value, label: "\(label).\(key)", model: model)
        }
        for field in fields where checked[field.name] == nil {
            if field.required {
                throw ValidationError(
                    parameter: "\(label).\(field.name)", code: .missingParameter,
                    message: "Missing required field '\(label).\(field.name)' for model \(model).")
            }
            if let value = field.defaultValue { checked[field.name] = value }
        }
        return .object(checked)
    }

    /// Checks a value against `values` and `range` (either may admit it).
    private func checkAllowed(_ text: String?, number: Double?, label: String, model: String) throws(ValidationError) {
        if values == nil && range == nil { return }
        if let values, let text, values.contains(text) { return }
        if let range, let number, range.contains(number) { return }
        throw ValidationError(
            parameter: label, code: .invalidValue,
            message:
                "Invalid value for '\(label)': \(text.map { "'\($0)'" } ?? number.map { "\($0)" } ?? "?"). "
                + "Model \(model) accepts \(allowedDescription)."
        )
    }

    /// "4, 8 or 12", "an integer from 2 to 15", or both.
    package var allowedDescription: String {
        var parts: [String] = []
        if let range {
            let format = { (x: Double) in x == x.rounded() ? String(Int(x)) : String(x) }
            parts.append("\(kind == .integer ? "an integer" : "a number") from \(format(range.lowerBound)) to \(format(range.upperBound))")
        }
        if let values {
            let quoted = values.map { "\"\($0)\"" }
            parts.append(quoted.count == 1 ? "only \(quoted[0])" : "one of: \(quoted.joined(separator: ", "))")
        }
        return parts.joined(separator: ", or ")
    }
}

/// A value as error messages name it: `the string "..."`, `the number 4`, `an array`.
func summary(of value: JSON) -> String {
    switch value {
    case .string(let s): "the string \"\(s.count > 40 ? s.prefix(40) + "…" : s)\""
    case .int(let i): "the number \(i)"
    case .double(let d): "the number \(d)"
    case .bool(let b): "the boolean \(b)"
    default: value.typeDescription
    }
}
