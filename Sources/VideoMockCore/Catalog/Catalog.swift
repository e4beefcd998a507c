import JSON

/// Every model one provider serves, loaded from `Fixtures/catalog/<provider>.yaml` and any
/// `--catalog` files naming that provider.
package struct Catalog: Sendable {
    package let provider: ProviderID
    package private(set) var models: [ModelSpec]
    /// Every parameter name some model of this provider takes: a request naming one that its
    /// model does not take is refused as unsupported, not ignored as unknown.
    package private(set) var knownParameters: Set<String>
    private var index: [String: Int] = [:]

    package init(provider: ProviderID, models: [ModelSpec]) {
        self.provider = provider
        self.models = []
        self.knownParameters = []
        add(models)
    }

    package func model(_ id: String) -> ModelSpec? { index[id].map { models[$0] } }

    package var modelIDs: [String] { models.map(\.id) }

    /// Refuses any model `attributes:` key its provider does not read, at the key's line.
    package func checkAttributes(allowing names: [String]) throws(DocumentError) {
        for model in models {
            for (name, node) in model.attributes where !names.contains(name) {
                let known = names.isEmpty ? "\(provider) models take none" : "known: \(names.joined(separator: ", "))"
                throw node.keyError("unknown attribute '\(name)' of model \(model.id); \(known)")
            }
        }
    }

    /// Adds models, replacing any with the same id.
    package mutating func add(_ newModels: [ModelSpec]) {
        for model in newModels {
            if let index = models.firstIndex(where: { $0.id == model.id }) { models[index] = model } else { models.append(model) }
        }
        knownParameters = Set(models.flatMap { $0.parameters.map(\.name) })
        index = Dictionary(models.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { $1 })
    }
}

/// Every provider's catalog.
package struct CatalogSet: Sendable {
    package private(set) var catalogs: [ProviderID: Catalog] = [:]

    package init() {}

    /// The catalog of `provider`; empty when no file names it.
    package subscript(provider: ProviderID) -> Catalog { catalogs[provider] ?? Catalog(provider: provider, models: []) }

    /// Every frame size some model's listed values give, by the models that give it.
    package var listedDimensions: [Dimensions: [String]] {
        var result: [Dimensions: [String]] = [:]
        for catalog in catalogs.values.sorted(by: { $0.provider < $1.provider }) {
            for model in catalog.models {
                for dimensions in model.listedDimensions {
                    result[dimensions, default: []].append("\(catalog.provider.rawValue) \(model.id)")
                }
            }
        }
        return result
    }

    /// Loads catalog files in order; a later file adds models to, or replaces models of, its provider.
    package static func load(files: [String]) throws(DocumentError) -> CatalogSet {
        var set = CatalogSet()
        for file in files {
            let text: String
            do { text = try readTextFile(file) } catch {
                throw DocumentError(file: file, line: 1, column: 1, message: "cannot read catalog: \(error)")
            }
            let (provider, models) = try CatalogLoader.models(in: DocumentNode.parse(yaml: text, file: file))
            if set.catalogs[provider] == nil {
                set.catalogs[provider] = Catalog(provider: provider, models: models)
            } else {
                set.catalogs[provider]!.add(models)
            }
        }
        return set
    }
}
