/// Why a request does not fit its model: rendered by each provider as a 400 in its own envelope.
package struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable {
        case invalidValue = "invalid_value"
        case invalidType = "invalid_type"
        case missingParameter = "missing_required_parameter"
        case unsupportedParameter = "unsupported_parameter"
        case unknownParameter = "unknown_parameter"
        case unknownModel = "model_not_found"
    }

    /// The parameter as the client wrote it.
    package var parameter: String
    package var code: Code
    package var message: String

    package init(parameter: String, code: Code, message: String) {
        self.parameter = parameter
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
