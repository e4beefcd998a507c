import VideoMockCore

/// Everything `videomock serve` can be told.
public struct Configuration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var threads = 1
    public var timeScale = 1.0
    public var clock = Clock.Mode.wall
    /// Accepted bearer tokens; empty accepts any non-empty token.
    public var apiKeys: [String] = []
    public var seed: UInt64?
    public var maxBodyBytes = 32 << 20
    public var idleTimeoutSeconds = 30.0
    /// Where `media/` and `catalog/` are; nil finds the fixtures that ship with the binary.
    public var fixturesDirectory: String?
    /// Extra catalog files, loaded after the built-in ones.
    public var catalogFiles: [String] = []
    /// Who serves the bare `/v1/...` paths.
    public var bareProvider = "aihubmix"
    /// Scenario files, their rules consulted in this order.
    public var scenarioFiles: [String] = []
    /// How many requests the journal keeps.
    public var journalSize = 10_000
    /// When set, `/__admin` requires `Authorization: Bearer TOKEN` (or `X-Admin-Token: TOKEN`).
    public var adminToken: String?

    public init() {}
}
