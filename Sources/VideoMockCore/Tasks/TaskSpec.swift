import JSON

/// What a task asked for, provider-neutral, after validation and defaults.
package struct TaskSpec: Sendable {
    package var model: String {
        didSet { isPlainText = plainText() }
    }
    /// Kept as bytes in `text`; `withPromptUTF8` reads them without making a string.
    package var prompt: String {
        get { withPromptUTF8 { String(decoding: $0, as: UTF8.self) } }
        set {
            let parameters = text[promptCount...]
            text = Array(newValue.utf8) + parameters
            promptCount = newValue.utf8.count
            isPlainText = plainText()
        }
    }
    /// Seconds of video (a model's "decide for me" value, such as -1, is kept as sent).
    package var duration: Int
    /// The size token to echo (`1280x720`, `720p`, `16:9`), when the model has one.
    package var size: String? {
        didSet { isPlainText = plainText() }
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
    /// bytes in `text`, which take a third of the room of a tree (a store of a million tasks
    /// keeps a million), and read back when asked for.
    package var parameters: JSONObject {
        get {
            guard text.count > promptCount else { return [:] }
            return (try? JSON.parse(Array(text[promptCount...])))?.object ?? [:]
        }
        set {
            text = withPromptUTF8 { TaskSpec.text(prompt: $0, parameters: newValue) }
            seed = newValue["seed"]
        }
    }

    /// `text` for a prompt and parameters, without spare capacity.
    private static func text(prompt: UnsafeBufferPointer<UInt8>, parameters: JSONObject) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(prompt.count + 256)
        bytes.append(contentsOf: prompt)
        bytes.append(UInt8(ascii: "{"))
        for (key, value) in parameters where !key.isKey("prompt") {
            if bytes.count > prompt.count + 1 { bytes.append(UInt8(ascii: ",")) }
            JSON.writeString(key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            value.write(into: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        if bytes.count == prompt.count + 2 { bytes.removeLast(2) }  // no parameters
        return bytes.withUnsafeBufferPointer { Array($0) }
    }

    /// The prompt's UTF-8 bytes, then the parameters as a JSON object (when there are any): one
    /// allocation a task keeps for both, where two would cost a header and a rounding each (and
    /// prompts are mostly too long to fit in a string's own room).
    private var text: [UInt8] = []
    private var promptCount = 0
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
        var prompt = prompt
        text = prompt.withUTF8 { TaskSpec.text(prompt: $0, parameters: parameters) }
        promptCount = prompt.utf8.count
        seed = parameters["seed"]
        self.duration = duration
        self.size = size
        self.dimensions = dimensions
        self.fps = fps
        self.hasAudio = hasAudio
        self.inputs = inputs
        self.shape = shape
        self.remixOf = remixOf
        isPlainText = plainText()
    }

    /// The prompt's UTF-8 bytes, read where the spec keeps them.
    package func withPromptUTF8<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try text.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[..<promptCount])) }
    }

    private func plainText() -> Bool {
        !JSON.needsEscaping(model) && !withPromptUTF8(JSON.needsEscaping) && !(size.map(JSON.needsEscaping) ?? false)
    }
}
