import AdminContract
import HTTPServer
import JSON

/// A refusal of the admin API: `{"error":{"message","type":"admin_error"}}` with its status.
package struct AdminError: Error, Sendable {
    package var status: Int
    package var message: String

    package init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    package var response: HTTPResponse { .answer(AdminErrorBody(message: message), status: status) }
}

extension HTTPResponse {
    /// An admin answer, as JSON.
    package static func answer(_ value: some Encodable, status: Int = 200) -> HTTPResponse {
        do { return .json(try JSON(encoding: value), status: status) } catch {
            return .json(["error": ["message": .string("The answer could not be written: \(error)"), "type": "admin_error"]], status: 500)
        }
    }
}
