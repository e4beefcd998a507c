import HTTPServer
import JSON
import VideoMockCore

/// An error reply, provider-neutral; each provider renders it in its own envelope.
public struct APIError: Error, Sendable {
    public var status: Int
    public var message: String
    public var type: String
    public var code: String?
    public var param: String?
    public var headers: HTTPHeaders = [:]

    public init(status: Int, message: String, type: String = "invalid_request_error", code: String? = nil, param: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
    }

    public static func invalid(_ message: String, param: String? = nil, code: String = "invalid_value") -> APIError {
        APIError(status: 400, message: message, code: code, param: param)
    }

    public init(_ error: ValidationError) {
        self.init(status: 400, message: error.message, code: error.code.rawValue, param: error.parameter)
    }

    /// The OpenAI-style envelope `{"error":{"message","type","param","code"}}` most gateways use.
    public var openAIEnvelope: JSON {
        ["error": ["message": .string(message), "type": .string(type), "param": JSON(param), "code": JSON(code)]]
    }
}

extension HTTPResponse {
    /// A JSON reply.
    public static func json(_ value: JSON, status: Int = 200, headers: HTTPHeaders = [:]) -> HTTPResponse {
        var all = headers
        all.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: all, body: .bytes(value.bytes))
    }
}
