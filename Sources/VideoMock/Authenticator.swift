import HTTPServer
import Providers

/// Checks `Authorization: Bearer KEY` on provider routes.
struct Authenticator: Sendable {
    /// Empty: any non-empty token is accepted.
    let keys: Set<String>

    /// The request's key, or the 401 to answer.
    func key(of request: HTTPRequest) -> Result<String, APIError> {
        guard let token = request.bearerToken else {
            return .failure(
                unauthorized(
                    request.headers[.authorization] != nil
                        ? "Malformed Authorization header: expected 'Bearer YOUR_KEY'."
                        : "Missing API key: send it as 'Authorization: Bearer YOUR_KEY'."))
        }
        guard keys.isEmpty || keys.contains(token) else {
            return .failure(unauthorized("Incorrect API key provided: \(Authenticator.redact(token))."))
        }
        return .success(token)
    }

    private func unauthorized(_ message: String) -> APIError {
        var error = APIError(status: 401, message: message, code: "invalid_api_key")
        error.headers = ["WWW-Authenticate": "Bearer"]
        return error
    }

    /// `sk-a...wxyz`: enough to recognise a key without echoing it.
    static func redact(_ token: String) -> String {
        token.count <= 8 ? String(repeating: "*", count: token.count) : "\(token.prefix(4))...\(token.suffix(4))"
    }
}
