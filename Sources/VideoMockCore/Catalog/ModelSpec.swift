import JSON

/// One model as a provider's catalog describes it: the parameters it takes and what it supports.
package struct ModelSpec: Sendable {
    package enum AudioSupport: String, Sendable, CaseIterable {
        /// Every video has a sound track.
        case always
        /// No video has one.
        case never
        /// The parameter with the `audio` role decides (its default when omitted).
        case optional
    }

    /// A rule change that applies when a parameter is present (Veo 3.1 with an image: 8 s only).
    package struct Constraint: Sendable {
        package var when: String
        package var rules: [String: ParameterRule]
    }

    /// The two task shapes of gateways that have two (AIHubMix): the OpenAI Video object, or
    /// the gateway's own shape for everything else.
    package enum ResponseShape: String, Sendable, CaseIterable {
        case sora, generic
    }

    package var id: String
    package var shape: ResponseShape
    package var family: ModelFamily
    package var parameters: [ParameterRule]
    /// Reject parameters no rule names (Kling: "unmapped key parameters raise an explicit error").
    package var strict: Bool
    /// How long a finished video stays downloadable, in seconds.
    package var expiresAfter: Double
    package var supportsRemix: Bool
    package var supportsDelete: Bool
    package var audio: AudioSupport
    /// Frames a second of its videos, unless a request gives its own (`fps`).
    package var fps: Int
    package var constraints: [Constraint]
    /// Settings only one provider reads (`attributes:` in the catalog), kept as written so that
    /// the provider can check them and point at the line of a bad one.
    package var attributes: [String: DocumentNode]

    package func rule(named name: String) -> ParameterRule? { parameters.first { $0.name.isKey(name) } }
}
