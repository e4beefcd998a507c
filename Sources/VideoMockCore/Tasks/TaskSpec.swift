import JSON

/// What a task asked for, provider-neutral, after validation and defaults.
package struct TaskSpec: Sendable {
    package var model: String {
        didSet { isPlainText = TaskSpec.plain(model, prompt, size) }
    }
    package var prompt: String {
        didSet { isPlainText = TaskSpec.plain(model, prompt, size) }
    }
    /// Seconds of video (a model's "decide for me" value, such as -1, is kept as sent).
    package var duration: Int
    /// The size token to echo (`1280x720`, `720p`, `16:9`), when the model has one.
    package var size: String? {
        didSet { isPlainText = TaskSpec.plain(model, prompt, size) }
    }
    package var dimensions: Dimensions
    /// Frames a second: the request's, else the model's.
    package var fps: Int
    package var hasAudio: Bool
    /// Whether the model, prompt and size go into JSON as they are, without escaping: found once
    /// at create, not on every status read that writes them (kept beside `hasAudio`, in the
    /// room its alignment leaves).
    package private(set) var isPlainText = false
    /// How many inputs of each role were given (`first_frame`, `reference_images`, ...).
    package var inputs: [String: Int]
    /// Every parameter's accepted value, defaults included, by the name the provider uses (the
    /// prompt aside: it is `prompt`, and a `prompt` member given here is left out). Kept as JSON
    /// bytes, which take a third of the room of a tree (a store of a million tasks keeps a
    /// million), and read back when asked for.
    package var parameters: JSONObject {
        get { parameterBytes.isEmpty ? [:] : (try? JSON.parse(parameterBytes))?.object ?? [:] }
        set {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(256)
            bytes.append(UInt8(ascii: "{"))
            for (key, value) in newValue where !key.isKey("prompt") {
                if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
                JSON.writeString(key, into: &bytes)
                bytes.append(UInt8(ascii: ":"))
                value.write(into: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
            parameterBytes = bytes.count > 2 ? bytes.withUnsafeBufferPointer { Array($0) } : []  // no spare capacity
            seed = newValue["seed"]
        }
    }
    private var parameterBytes: [UInt8] = []
    /// The `seed` parameter, if any: read on every status read of the gateways that report it.
    package private(set) var seed: JSON?
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
        self.parameterBytes = []
        self.shape = shape
        self.parameters = parameters
        self.remixOf = remixOf
        isPlainText = TaskSpec.plain(model, prompt, size)
    }

    private static func plain(_ model: String, _ prompt: String, _ size: String?) -> Bool {
        !JSON.needsEscaping(model) && !JSON.needsEscaping(prompt) && !(size.map(JSON.needsEscaping) ?? false)
    }
}
