import Providers
import Recording
import VideoMockCore

/// Why VideoMock could not start: a bad setting, a missing fixture, a bad catalog or scenario
/// file (with its `FILE:LINE:COLUMN`), or an address it cannot listen on.
public struct StartupError: Error, Sendable, CustomStringConvertible {
    public let description: String
}

/// What start-up loads before anything is served: fixtures, catalogs and scenarios, the engine
/// built on them, and the providers over the engine.
package struct Startup {
    let engine: Engine
    let providers: [any Provider]
    let upstreams: Upstreams?
    let replay: Replay?

    init(_ configuration: Configuration) throws(StartupError) {
        do { try configuration.validate() } catch { throw StartupError(description: error.description) }
        let fixtures = try Startup.fixtures(configuration)
        let catalogs = try Startup.catalogs(configuration)
        upstreams = try Upstreams(configuration)
        do {
            replay = try configuration.replayFile.map { file throws(RecordingError) in
                Replay(file: file, exchanges: try readRecording(file), pace: configuration.replayBy == .polls ? .polls : .time)
            }
        } catch { throw StartupError(description: "--replay: \(error)") }
        do {
            let media = try MediaLibrary(fixturesDirectory: fixtures)
            var scenarios: [Scenario] = []
            for file in configuration.scenarioFiles { scenarios.append(try ScenarioLoader.load(file: file)) }
            for (index, text) in configuration.scenarioTexts.enumerated() {
                scenarios.append(try ScenarioLoader.parse(text, source: "scenario text \(index + 1)"))
            }
            engine = Engine(
                clock: Clock(mode: configuration.clock.mode, timeScale: configuration.timeScale), catalogs: catalogs, media: media,
                ids: IDGenerator(seed: configuration.seed), scenarios: scenarios, journal: Journal(capacity: configuration.journalSize),
                verdictSettings: configuration.verdictSettings, seed: configuration.seed)
            providers = try ProviderRegistry.all(tasks: engine)
            try media.check(catalogs.listedDimensions, fixtures: fixtures)
        } catch {
            // Catalog and scenario errors read FILE:LINE:COLUMN: message.
            throw StartupError(description: "\(error)")
        }
    }

    /// The fixtures directory: the configured one, or the one that ships with VideoMock.
    static func fixtures(_ configuration: Configuration) throws(StartupError) -> String {
        guard let fixtures = configuration.fixturesDirectory ?? FixturesLocator.locate() else {
            throw StartupError(description: "cannot find the fixtures directory (media/ and catalog/); pass --fixtures DIR")
        }
        guard FixturesLocator.isFixtures(fixtures) else {
            throw StartupError(description: "\(fixtures) is not a fixtures directory: it needs media/ and catalog/")
        }
        return fixtures
    }

    /// The built-in catalogs, then the configured ones.
    package static func catalogs(_ configuration: Configuration) throws(StartupError) -> CatalogSet {
        let fixtures = try fixtures(configuration)
        let builtIn = directoryEntries("\(fixtures)/catalog").filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".json") }
        do { return try CatalogSet.load(files: builtIn.sorted().map { "\(fixtures)/catalog/\($0)" } + configuration.catalogFiles) } catch {
            throw StartupError(description: error.description)
        }
    }
}
