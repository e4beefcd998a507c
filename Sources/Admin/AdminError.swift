import HTTPServer

/// A refusal of the admin API: `{"error":{"message","type":"admin_error"}}` with its status.
package struct AdminError: Error, Sendable {
    package var status: Int
    package var message: String

    package init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    package var response: HTTPResponse {
        .json(["error": ["message": .string(message), "type": "admin_error"]], status: status)
    }
}
