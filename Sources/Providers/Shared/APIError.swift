import HTTPServer
import JSON
import VideoMockCore

/// An error reply, provider-neutral; each provider renders it in its own envelope.
package struct APIError: Error, Sendable {
    package var status: Int
    package var message: String
    package var type: String
    package var code: String?
    package var param: String?
    package var headers: HTTPHeaders = [:]

    package init(status: Int, message: String, type: String = "invalid_request_error", code: String? = nil, param: String? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
    }

    package static func invalid(_ message: String, param: String? = nil, code: String = "invalid_value") -> APIError {
        APIError(status: 400, message: message, code: code, param: param)
    }

    package init(_ error: ValidationError) {
        self.init(status: 400, message: error.message, code: error.code.rawValue, param: error.parameter)
    }

    /// The OpenAI-style envelope `{"error":{"message","type","param","code"}}` most gateways use.
    package var openAIEnvelope: JSON {
        ["error": ["message": .string(message), "type": .string(type), "param": JSON(param), "code": JSON(code)]]
    }
}

extension APIError {
    /// The error a scenario's `respond: {status: N}` sends when it gives no body.
    package static func scripted(status: Int) -> APIError {
        switch status {
        case 400: APIError(status: 400, message: "Bad request.", code: "invalid_request")
        case 401: APIError(status: 401, message: "Invalid API key.", code: "invalid_api_key")
        case 402:
            APIError(status: 402, message: "Insufficient balance: top up to continue.", type: "billing_error", code: "insufficient_balance")
        case 403:
            APIError(
                status: 403,
                message:
                    "Permission denied: the model is not authorized for this key, or the request was blocked by the content safety policy.",
                type: "permission_error", code: "forbidden")
        case 404: APIError(status: 404, message: "Not found.", code: "not_found")
        case 408: APIError(status: 408, message: "Request timed out.", type: "timeout_error", code: "timeout")
        case 409: APIError(status: 409, message: "Conflict.", code: "conflict")
        case 429:
            APIError(
                status: 429, message: "Rate limit reached: too many requests, or insufficient balance. Retry after a short wait.",
                type: "rate_limit_error", code: "rate_limit_exceeded")
        case 500: APIError(status: 500, message: "Internal server error.", type: "server_error", code: "internal_error")
        case 502:
            APIError(
                status: 502, message: "Bad gateway: the upstream provider returned an invalid response.", type: "server_error",
                code: "bad_gateway")
        case 503:
            APIError(
                status: 503, message: "Service unavailable: the upstream provider is overloaded. Retry later.", type: "server_error",
                code: "service_unavailable")
        case 504:
            APIError(
                status: 504, message: "Gateway timeout: the upstream provider did not answer in time.", type: "server_error",
                code: "gateway_timeout")
        default:
            APIError(
                status: status, message: "Scripted error \(status).", type: status >= 500 ? "server_error" : "invalid_request_error",
                code: "scripted_error")
        }
    }
}
