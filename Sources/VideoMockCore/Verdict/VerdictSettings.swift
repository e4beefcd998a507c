/// The verdict's thresholds and the codes it leaves out: flags set the base, a scenario's
/// `verdict:` section changes what it gives.
package struct VerdictSettings: Sendable, Equatable {
    /// Seconds between status reads for providers that advise no interval (Mixroute's own
    /// example sleeps 5 s between polls). Multiplied by the time scale, as lifecycles are.
    package var pollInterval: Double = 5
    /// Seconds within which a create with the same body is a duplicate.
    package var duplicateWindow: Double = 600
    /// More attempts of one failing request than this is a storm.
    package var retryStorm = 10
    /// More status reads of an unfinished task than this, or reads spanning more than
    /// `unboundedSeconds`, mean the client has no timeout.
    package var unboundedPolls = 100
    package var unboundedSeconds: Double = 600
    /// Codes not reported.
    package var ignored: Set<FindingCode> = []

    package init() {}

    /// A change to some of the settings, as a scenario's `verdict:` section gives it.
    package struct Change: Sendable, Equatable {
        package var pollInterval: Double?
        package var duplicateWindow: Double?
        package var retryStorm: Int?
        package var unboundedPolls: Int?
        package var unboundedSeconds: Double?
        package var ignored: Set<FindingCode>?

        package init() {}
    }

    /// These settings with `change` applied.
    package func applying(_ change: Change) -> VerdictSettings {
        var settings = self
        if let value = change.pollInterval { settings.pollInterval = value }
        if let value = change.duplicateWindow { settings.duplicateWindow = value }
        if let value = change.retryStorm { settings.retryStorm = value }
        if let value = change.unboundedPolls { settings.unboundedPolls = value }
        if let value = change.unboundedSeconds { settings.unboundedSeconds = value }
        if let value = change.ignored { settings.ignored = value }
        return settings
    }
}
