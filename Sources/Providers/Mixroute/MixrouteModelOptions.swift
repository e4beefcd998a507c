import VideoMockCore

/// What Mixroute's catalog says of a model beyond its parameters (its `attributes:`), typed
/// once at start-up.
struct MixrouteModelOptions: Sendable {
    /// How a create body is written: top-level fields, or Doubao's `metadata.content` list
    /// with `--name value` markers in its text.
    enum RequestForm: String, Sendable, CaseIterable {
        case fields, content
    }

    /// The submit reply: `submitted` with `format` (the generic page), or `pending` with
    /// `created_at` (the Veo page).
    enum SubmitStatus: String, Sendable, CaseIterable {
        case submitted, pending
    }

    static let attributeNames = ["id_prefix", "input", "submit_status", "result_url"]

    var idPrefix = "video_"
    var requestForm = RequestForm.fields
    var submitStatus = SubmitStatus.submitted
    var resultDelivery = ResultDelivery.link

    init() {}

    init(_ model: ModelSpec) throws(DocumentError) {
        if let node = model.attributes["id_prefix"] { idPrefix = try node.string() }
        if let node = model.attributes["input"] { requestForm = try node.choice(of: RequestForm.self, "input") }
        if let node = model.attributes["submit_status"] { submitStatus = try node.choice(of: SubmitStatus.self, "submit_status") }
        if let node = model.attributes["result_url"] { resultDelivery = try node.choice(of: ResultDelivery.self, "result_url") }
    }
}
