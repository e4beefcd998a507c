import VideoMockCore

/// Every provider VideoMock serves: the one list to extend when adding one.
package enum ProviderRegistry {
    /// The providers on `engine`, each checking its catalog's provider-specific settings.
    package static func all(engine: Engine) throws(DocumentError) -> [any Provider] {
        [try AIHubMix(engine: engine), try Mixroute(engine: engine), try Amux(engine: engine)]
    }
}
