import JSON

/// What a task asked for, provider-neutral, after validation and defaults.
public struct TaskSpec: Sendable {
    public var model: String
    public var prompt: String
    /// Seconds of video (a model's "decide for me" value, such as -1, is kept as sent).
    public var duration: Int
    /// The size token to echo (`1280x720`, `720p`, `16:9`), when the model has one.
    public var size: String?
    public var dimensions: Dimensions
    public var hasAudio: Bool
    /// How many inputs of each role were given (`first_frame`, `reference_images`, ...).
    public var inputs: [String: Int]
    /// Every parameter's accepted value, defaults included, by the name the provider uses (the
    /// prompt aside: it is `prompt`).
    public var parameters: JSONObject
    /// The task this one remixes.
    public var remixOf: String?

    public init(
        model: String, prompt: String, duration: Int, size: String?, dimensions: Dimensions, hasAudio: Bool,
        inputs: [String: Int] = [:], parameters: JSONObject = [:], remixOf: String? = nil
    ) {
        self.model = model
        self.prompt = prompt
        self.duration = duration
        self.size = size
        self.dimensions = dimensions
        self.hasAudio = hasAudio
        self.inputs = inputs
        self.parameters = parameters
        self.remixOf = remixOf
    }
}
