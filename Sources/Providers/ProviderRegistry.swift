import VideoMockCore

/// Every provider VideoMock serves: the one list to extend when adding one.
package enum ProviderRegistry {
    /// The providers over the engine's task services, each checking its catalog's provider-specific settings.
    package static func all(tasks: any TaskService) throws(DocumentError) -> [any Provider] {
        [try AIHubMix(tasks: tasks), try Mixroute(tasks: tasks), try Amux(tasks: tasks)]
    }
}
