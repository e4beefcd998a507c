import JSON

/// Reads a catalog document into models. The format, by example:
///
/// ```yaml
/// provider: aihubmix
/// templates:
///   sora: { shape: sora, family: sora, params: { seconds: { as: duration, type: integer, values: [4, 8, 12], default: 4 } } }
/// models:
///   sora-2: { like: sora }
/// ```
enum CatalogLoader {
    static let modelKeys = [
        "like", "description", "shape", "family", "params", "strict", "expires_after", "remix", "delete", "audio",
        "constraints", "attributes", "fps",
    ]
    static let ruleKeys = ["as", "type", "values", "range", "default", "required", "max", "star", "marker", "prefix", "fields"]

    static func models(in document: DocumentNode) throws(DocumentError) -> (provider: ProviderID, models: [ModelSpec]) {
        _ = try document.mapping(allowing: ["provider", "templates", "models"], "a catalog mapping")
        guard let provider = try document["provider"]?.choice(of: ProviderID.self, "provider") else {
            throw document.error("a catalog needs 'provider'")
        }
        let templates = try document["templates"]?.mapping() ?? []
        guard let modelEntries = try document["models"]?.mapping("a mapping of model id to model") else {
            throw document.error("a catalog needs 'models'")
        }
        var models: [ModelSpec] = []
        for (id, node) in modelEntries {
            models.append(try model(id: id, node: node, templates: templates))
        }
        return (provider, models)
    }

    /// The model's own keys over its template's (`like:`, which may itself be `like` another).
    private static func resolvedEntries(
        _ node: DocumentNode, templates: [(key: String, node: DocumentNode)], depth: Int = 0
    ) throws(DocumentError) -> [(key: String, node: DocumentNode)] {
        let own = try node.mapping(allowing: modelKeys, "a model mapping")
        guard let likeNode = node["like"] else { return own }
        let name = try likeNode.string()
        guard depth < 8, let template = templates.first(where: { $0.key == name })?.node else {
            throw likeNode.error(depth < 8 ? "unknown template '\(name)'" : "templates refer to each other in a loop")
        }
        var merged = try resolvedEntries(template, templates: templates, depth: depth + 1)
        for entry in own where entry.key != "like" {
            if let index = merged.firstIndex(where: { $0.key == entry.key }) { merged[index] = entry } else { merged.append(entry) }
        }
        return merged
    }

    private static func model(id: String, node: DocumentNode, templates: [(key: String, node: DocumentNode)]) throws(DocumentError)
        -> ModelSpec
    {
        let entries = try resolvedEntries(node, templates: templates)
        func value(_ key: String) -> DocumentNode? { entries.first { $0.key == key }?.node }
        // `params` merge one level deeper: a model may override single parameters of its template.
        var parameters: [ParameterRule] = []
        for paramsNode in paramsNodes(node, templates: templates) {
            for (name, ruleNode) in try paramsNode.mapping() {
                if ruleNode.isNull {
                    parameters.removeAll { $0.name == name }
                    continue
                }
                let parsed = try rule(name: name, node: ruleNode, base: nil)
                if let index = parameters.firstIndex(where: { $0.name == name }) {
                    parameters[index] = parsed
                } else {
                    parameters.append(parsed)
                }
            }
        }
        var constraints: [ModelSpec.Constraint] = []
        for constraintNode in try value("constraints")?.sequence() ?? [] {
            _ = try constraintNode.mapping(allowing: ["when", "params"])
            guard let when = try constraintNode["when"]?.string(), let params = constraintNode["params"] else {
                throw constraintNode.error("a constraint needs 'when' (a parameter) and 'params'")
            }
            guard parameters.contains(where: { $0.name == when }) else {
                throw constraintNode.error("constraint names '\(when)', which model \(id) does not take")
            }
            var rules: [String: ParameterRule] = [:]
            for (name, ruleNode) in try params.mapping() {
                guard let base = parameters.first(where: { $0.name == name }) else {
                    throw ruleNode.error("constraint changes '\(name)', which model \(id) does not take")
                }
                rules[name] = try rule(name: name, node: ruleNode, base: base)
            }
            constraints.append(.init(when: when, rules: rules))
        }
        var attributes: [String: DocumentNode] = [:]
        for (key, attribute) in try value("attributes")?.mapping() ?? [] { attributes[key] = attribute }
        let audioText = try value("audio")?.string() ?? "never"
        guard let audio = ModelSpec.AudioSupport(rawValue: audioText) else {
            throw value("audio")!.error("audio must be one of: always, never, optional")
        }
        return ModelSpec(
            id: id,
            shape: try value("shape")?.choice(of: ModelSpec.ResponseShape.self, "shape") ?? .generic,
            family: ModelFamily(rawValue: try value("family")?.string() ?? id),
            parameters: parameters,
            strict: try value("strict")?.bool() ?? false,
            expiresAfter: try value("expires_after")?.duration() ?? 86400,
            supportsRemix: try value("remix")?.bool() ?? false,
            supportsDelete: try value("delete")?.bool() ?? true,
            audio: audio,
            fps: try frameRate(value("fps")),
            constraints: constraints,
            attributes: attributes)
    }

    /// A model's frame rate: 24 unless the catalog says otherwise.
    private static func frameRate(_ node: DocumentNode?) throws(DocumentError) -> Int {
        guard let node else { return 24 }
        let fps = try node.int("a frame rate from 1 to 60")
        guard (1...60).contains(fps) else { throw node.error("fps must be from 1 to 60") }
        return fps
    }

    /// The `params` mappings that apply, template's first.
    private static func paramsNodes(_ node: DocumentNode, templates: [(key: String, node: DocumentNode)], depth: Int = 0) -> [DocumentNode]
    {
        var result: [DocumentNode] = []
        if depth < 8, let name = try? node["like"]?.string(), let template = templates.first(where: { $0.key == name })?.node {
            result = paramsNodes(template, templates: templates, depth: depth + 1)
        }
        if let own = node["params"] { result.append(own) }
        return result
    }

    private static func rule(name: String, node: DocumentNode, base: ParameterRule?) throws(DocumentError) -> ParameterRule {
        _ = try node.mapping(allowing: ruleKeys, "a parameter rule mapping")
        var rule =
            base
            ?? ParameterRule(
                name: name, role: name, kind: .string, values: nil, produces: [:], range: nil, defaultValue: nil,
                required: false, max: nil, star: false, marker: nil, prefix: nil, fields: nil)
        if let role = try node["as"]?.string() { rule.role = role }
        if let typeNode = node["type"] {
            let text = try typeNode.string()
            guard let kind = ParameterRule.Kind(rawValue: text) else {
                throw typeNode.error(
                    "unknown type '\(text)'; expected one of: \(ParameterRule.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            rule.kind = kind
        }
        if let valuesNode = node["values"] {
            if case .mapping(let entries) = valuesNode.value {
                rule.values = entries.map(\.key)
                rule.produces = [:]
                for (token, target) in entries {
                    guard let dimensions = Dimensions(try target.string(), star: false) else {
                        throw target.error("expected a resolution such as 1920x1088")
                    }
                    rule.produces[token] = dimensions
                }
            } else {
                rule.values = try valuesNode.sequence("a list of values, or a mapping of value to resolution").map {
                    (item) throws(DocumentError) in try item.string()
                }
            }
        }
        if let rangeNode = node["range"] {
            let bounds = try rangeNode.sequence("[minimum, maximum]")
            guard bounds.count == 2 else { throw rangeNode.error("expected [minimum, maximum]") }
            let low = try bounds[0].double(), high = try bounds[1].double()
            guard low <= high else { throw rangeNode.error("the minimum is above the maximum") }
            rule.range = low...high
        }
        if let defaultNode = node["default"] { rule.defaultValue = defaultNode.json }
        if let requiredNode = node["required"] { rule.required = try requiredNode.bool() }
        if let maxNode = node["max"] { rule.max = try maxNode.int() }
        if let starNode = node["star"] { rule.star = try starNode.bool() }
        if let markerNode = node["marker"] { rule.marker = try markerNode.string() }
        if let prefixNode = node["prefix"] { rule.prefix = try prefixNode.string() }
        if let fieldsNode = node["fields"] {
            guard rule.kind == .array else { throw fieldsNode.keyError("'fields' describes the items of an array: give 'type: array'") }
            var fields: [ParameterRule] = []
            for (field, fieldNode) in try fieldsNode.mapping("a mapping of field name to rule") {
                fields.append(try CatalogLoader.rule(name: field, node: fieldNode, base: nil))
            }
            rule.fields = fields
        }
        return rule
    }
}
