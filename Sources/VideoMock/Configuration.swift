import VideoMockCore

/// Everything a VideoMock server can be told, with its defaults. `videomock serve` sets these
/// fields from its flags; both it and the library check them with `validate()`.
public struct Configuration: Sendable {
    /// How time passes for tasks.
    public enum ClockMode: String, Sendable, CaseIterable {
        /// Real time, multiplied by `timeScale` for lifecycles.
        case wall
        /// Time moves only when told to (`POST /__admin/clock/advance` or `/clock/set`).
        case manual
    }

    /// A gateway VideoMock emulates; each is served under `/{rawValue}/v1`.
    public enum Provider: String, Sendable, CaseIterable {
        case aihubmix, mixroute, amux
    }

    public var host = "127.0.0.1"
    /// 0 picks a free port (`VideoMockServer.port` tells which).
    public var port = 8080
    /// Event loops, one per thread; nil: one per core.
    public var threads: Int?
    /// Multiplies every lifecycle duration (not expiry periods); 0 finishes tasks at once.
    public var timeScale = 1.0
    public var clock = ClockMode.wall
    /// Accepted bearer tokens; empty accepts any non-empty token.
    public var apiKeys: [String] = []
    /// Seeds ids and any randomness, for reproducible runs.
    public var seed: UInt64?
    /// Larger request bodies are refused with 413 before they are read.
    public var maxBodyBytes = 32 << 20
    /// A connection silent this long, or this slow to send its headers, is closed.
    public var idleTimeoutSeconds = 30.0
    /// Where `media/` and `catalog/` are; nil finds the fixtures that ship with the binary.
    public var fixturesDirectory: String?
    /// Extra catalog files, loaded after the built-in ones.
    public var catalogFiles: [String] = []
    /// Who serves the bare `/v1/...` paths.
    public var bareProvider = Provider.aihubmix
    /// Scenario files, their rules consulted in this order.
    public var scenarioFiles: [String] = []
    /// Scenarios given as YAML (or JSON) text, consulted after the files.
    public var scenarioTexts: [String] = []
    /// How many requests the journal keeps; 0 keeps none.
    public var journalSize = 10_000
    /// The verdict on the client: the interval between status reads expected where a provider
    /// advises none, the window for duplicate creates, the attempts that make a retry storm,
    /// the reads or seconds of polling an unfinished task that show no timeout, and the codes
    /// not reported (`never_downloaded`, ...).
    public var verdictPollIntervalSeconds = 5.0
    public var verdictDuplicateWindowSeconds = 600.0
    public var verdictRetryStorm = 10
    public var verdictUnboundedPolls = 100
    public var verdictUnboundedSeconds = 600.0
    public var verdictIgnoredCodes: [String] = []
    /// Where `videomock serve` writes the verdict (as `GET /__admin/verdict` gives it) when it stops.
    public var verdictReportFile: String?
    /// Whether `X-VideoMock-Status`, `X-VideoMock-Delay` and `X-VideoMock-Fault` request headers
    /// shape replies (real clients never send them).
    public var headerOverrides = true
    /// How long a stop waits for replies in progress (scripted delays included) before it
    /// closes their connections.
    public var shutdownGraceSeconds = 5.0
    /// When set, `/__admin` requires `Authorization: Bearer TOKEN` (or `X-Admin-Token: TOKEN`).
    public var adminToken: String?
    /// Providers whose requests are forwarded to the real gateway at this URL (`https://aihubmix.com`)
    /// instead of being emulated.
    public var upstreams: [Provider: String] = [:]
    /// The key sent upstream instead of the client's `Authorization`.
    public var upstreamKeys: [Provider: String] = [:]
    /// A CA file trusted for HTTPS upstreams, besides the system's bundle (or `SSL_CERT_FILE`).
    public var upstreamCAFile: String?
    /// Where each proxied exchange is written as a JSON line.
    public var recordFile: String?
    /// A recording whose task lifecycles are served again, offline.
    public var replayFile: String?
    /// How a replayed task moves through its recorded states: by time since its creation, or by status reads.
    public var replayBy = ReplayPace.time
    /// A provider request no recording matches gets 404 `replay_miss` instead of the emulation.
    public var replayStrict = false

    /// How replayed tasks move through their recorded states.
    public enum ReplayPace: String, Sendable, CaseIterable {
        /// Each recorded reply at its recorded offset from the create (scaled by the time scale, on the key's clock).
        case time
        /// Each recorded reply at the read that saw it.
        case polls
    }

    public init() {}

    /// Refuses values no server can run with, naming the `videomock serve` flag that sets each.
    public func validate() throws(ConfigurationError) {
        func refuse(_ option: String, _ reason: String) -> ConfigurationError { ConfigurationError(option: option, reason: reason) }
        guard (0...65535).contains(port) else { throw refuse("port", "must be from 0 to 65535, got \(port)") }
        if let threads, !(1...256).contains(threads) { throw refuse("threads", "must be from 1 to 256, got \(threads)") }
        guard timeScale >= 0, timeScale <= 1_000_000 else {
            throw refuse("time-scale", "must be from 0 to 1000000, got \(Self.format(timeScale))")
        }
        guard maxBodyBytes > 0 else { throw refuse("max-body", "must be a positive number of bytes, got \(maxBodyBytes)") }
        guard idleTimeoutSeconds > 0, idleTimeoutSeconds <= 86400 else {
            throw refuse("idle-timeout", "must be more than 0 and at most 86400 seconds, got \(Self.format(idleTimeoutSeconds))")
        }
        if apiKeys.contains(where: \.isEmpty) { throw refuse("api-key", "must not be empty") }
        guard journalSize >= 0 else { throw refuse("journal-size", "must be 0 (keep none) or more, got \(journalSize)") }
        if adminToken?.isEmpty == true { throw refuse("admin-token", "must not be empty") }
        for (option, seconds) in [
            ("verdict-poll-interval", verdictPollIntervalSeconds), ("verdict-duplicate-window", verdictDuplicateWindowSeconds),
            ("verdict-unbounded-time", verdictUnboundedSeconds),
        ] where !(seconds >= 0 && seconds <= maximumDuration) {
            throw refuse(option, "must be from 0 seconds to 100 years, got \(Self.format(seconds))")
        }
        for (option, count) in [("verdict-retry-storm", verdictRetryStorm), ("verdict-unbounded-polls", verdictUnboundedPolls)]
        where count < 1 {
            throw refuse(option, "must be 1 or more, got \(count)")
        }
        for code in verdictIgnoredCodes where FindingCode(rawValue: code) == nil {
            throw refuse(
                "verdict-ignore",
                "names no finding: '\(code)'; expected one of: \(FindingCode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for (provider, url) in upstreams where !url.hasPrefix("http://") && !url.hasPrefix("https://") {
            throw refuse("upstream", "\(provider.rawValue)=\(url) needs an http:// or https:// URL")
        }
        for provider in upstreamKeys.keys where upstreams[provider] == nil {
            throw refuse("upstream-key", "is given for \(provider.rawValue), which has no --upstream")
        }
        if recordFile != nil, upstreams.isEmpty { throw refuse("record", "records what is proxied: give --upstream PROVIDER=URL too") }
        if replayFile != nil, !upstreams.isEmpty { throw refuse("replay", "serves offline: it cannot be used with --upstream") }
        if replayStrict, replayFile == nil { throw refuse("replay-strict", "needs --replay FILE") }
        guard shutdownGraceSeconds >= 0, shutdownGraceSeconds <= 3600 else {
            throw refuse("shutdown-grace", "must be from 0 to 3600 seconds, got \(Self.format(shutdownGraceSeconds))")
        }
    }

    /// `2` rather than `2.0`, `0.5` as it is.
    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A setting `Configuration.validate()` refused: the flag that sets it and why.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The `videomock serve` flag, without its dashes (`time-scale`).
    public let option: String
    public let reason: String

    public var description: String { "--\(option) \(reason)" }
}

extension Configuration {
    /// The verdict settings these flags give.
    var verdictSettings: VerdictSettings {
        var settings = VerdictSettings()
        settings.pollInterval = verdictPollIntervalSeconds
        settings.duplicateWindow = verdictDuplicateWindowSeconds
        settings.retryStorm = verdictRetryStorm
        settings.unboundedPolls = verdictUnboundedPolls
        settings.unboundedSeconds = verdictUnboundedSeconds
        settings.ignored = Set(verdictIgnoredCodes.compactMap(FindingCode.init(rawValue:)))
        return settings
    }
}

extension Configuration.Provider {
    var id: ProviderID {
        switch self {
        case .aihubmix: .aihubmix
        case .mixroute: .mixroute
        case .amux: .amux
        }
    }
}

extension Configuration.ClockMode {
    var mode: Clock.Mode {
        switch self {
        case .wall: .wall
        case .manual: .manual
        }
    }
}
