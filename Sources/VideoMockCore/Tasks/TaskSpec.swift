import JSON

/// What a task asked for, provider-neutral, after validation and defaults.
package struct TaskSpec: Sendable {
    package var model: String
    package var prompt: String
    /// Seconds of video (a model's "decide for me" value, such as -1, is kept as sent).
    package var duration: Int
    /// The size token to echo (`1280x720`, `720p`, `16:9`), when the model has one.
    package var size: String?
    package var dimensions: Dimensions
    /// Frames a second: the request's, else the model's.
    package var fps: Int
    package var hasAudio: Bool
    /// How many inputs of each role were given (`first_frame`, `reference_images`, ...).
    package var inputs: [String: Int]
    /// Every parameter's accepted value, defaults included, by the name the provider uses (the
    /// prompt aside: it is `prompt`).
    package var parameters: JSONObject
    /// The task this one remixes.
    package var remixOf: String?
    /// The reply shape of its model, fixed at create (not looked up on every read).
    package var shape: ModelSpec.ResponseShape

    package init(
        model: String, prompt: String, duration: Int, size: String?, dimensions: Dimensions, fps: Int = 24, hasAudio: Bool,
        inputs: [String: Int] = [:], parameters: JSONObject = [:], remixOf: String? = nil, shape: ModelSpec.ResponseShape = .generic
    ) {
        self.model = model
        self.prompt = prompt
        self.duration = duration
        self.size = size
        self.dimensions = dimensions
        self.fps = fps
        self.hasAudio = hasAudio
        self.inputs = inputs
        self.parameters = parameters
        self.remixOf = remixOf
        self.shape = shape
    }
}
