import JSON

/// One model as a provider's catalog describes it: the parameters it takes and what it supports.
public struct ModelSpec: Sendable {
    public enum AudioSupport: String, Sendable, CaseIterable {
        /// Every video has a sound track.
        case always
        /// No video has one.
        case never
        /// The parameter with the `audio` role decides (its default when omitted).
        case optional
    }

    /// A rule change that applies when a parameter is present (Veo 3.1 with an image: 8 s only).
    public struct Constraint: Sendable {
        public var when: String
        public var rules: [String: ParameterRule]
    }

    public var id: String
    /// How the provider renders the task (e.g. AIHubMix's `sora` or `generic` shape).
    public var shape: String
    /// Which scenario family and fixture set it belongs to (`sora`, `veo`, `kling`, ...).
    public var family: String
    public var parameters: [ParameterRule]
    /// Reject parameters no rule names (Kling: "unmapped key parameters raise an explicit error").
    public var strict: Bool
    /// How long a finished video stays downloadable, in seconds.
    public var expiresAfter: Double
    public var supportsRemix: Bool
    public var supportsDelete: Bool
    public var audio: AudioSupport
    public var constraints: [Constraint]
    /// Provider-specific settings the engine passes through untouched.
    public var attributes: [String: String]

    public func rule(named name: String) -> ParameterRule? { parameters.first { $0.name == name } }
}
