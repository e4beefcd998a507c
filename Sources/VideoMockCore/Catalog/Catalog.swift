import JSON

/// Every model one provider serves, loaded from `Fixtures/catalog/<provider>.yaml` and any
/// `--catalog` files naming that provider.
public struct Catalog: Sendable {
    public let provider: String
    public private(set) var models: [ModelSpec]
    /// Every parameter name some model of this provider takes: a request naming one that its
    /// model does not take is refused as unsupported, not ignored as unknown.
    public private(set) var knownParameters: Set<String>
    private var index: [String: Int] = [:]

    public init(provider: String, models: [ModelSpec]) {
        self.provider = provider
        self.models = []
        self.knownParameters = []
        add(models)
    }

    public func model(_ id: String) -> ModelSpec? { index[id].map { models[$0] } }

    /// A model's response shape, without copying its whole entry.
    public func shape(of id: String) -> String? { index[id].map { models[$0].shape } }

    public var modelIDs: [String] { models.map(\.id) }

    /// Adds models, replacing any with the same id.
    public mutating func add(_ newModels: [ModelSpec]) {
        for model in newModels {
            if let index = models.firstIndex(where: { $0.id == model.id }) { models[index] = model } else { models.append(model) }
        }
        knownParameters = Set(models.flatMap { $0.parameters.map(\.name) })
        index = Dictionary(models.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { $1 })
    }
}

/// Every provider's catalog.
public struct CatalogSet: Sendable {
    public private(set) var catalogs: [String: Catalog] = [:]

    public init() {}

    public subscript(provider: String) -> Catalog? { catalogs[provider] }

    /// Loads catalog files in order; a later file adds models to, or replaces models of, its provider.
    public static func load(files: [String]) throws(DocumentError) -> CatalogSet {
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
