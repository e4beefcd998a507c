/// Why a request does not fit its model: rendered by each provider as a 400 in its own envelope.
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidValue = "invalid_value"
        case invalidType = "invalid_type"
        case missingParameter = "missing_required_parameter"
        case unsupportedParameter = "unsupported_parameter"
        case unknownParameter = "unknown_parameter"
        case unknownModel = "model_not_found"
    }

    /// The parameter as the client wrote it.
    public var parameter: String
    public var code: Code
    public var message: String

    public init(parameter: String, code: Code, message: String) {
        self.parameter = parameter
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
