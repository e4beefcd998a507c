import HTTPServer
import JSON

/// The fields of a request body, whatever its encoding: a JSON object, `multipart/form-data`
/// (text parts as strings, file parts as `{"filename","content_type","size"}`), or a form.
package enum RequestBody {
    package static func fields(of request: HTTPRequest) throws(APIError) -> JSONObject {
        // What nearly every client sends, told without making a string of it.
        if request.headers.value(.contentType, is: "application/json") { return try jsonObject(request.body) }
        var type = request.mediaType
        // `curl -d '{...}'` without a Content-Type sends JSON labelled as a form.
        if type == "application/x-www-form-urlencoded", request.body.first == UInt8(ascii: "{") { type = nil }
        switch type {
        case "application/json", nil, "text/json":
            return try jsonObject(request.body)
        case "multipart/form-data":
            return try multipart(request)
        case "application/x-www-form-urlencoded":
            return form(request.body)
        case let type?:
            if type.hasSuffix("+json") { return try jsonObject(request.body) }
            var error = APIError(
                status: 415,
                message: "Unsupported Content-Type '\(type)'. Send application/json or multipart/form-data.",
                code: "unsupported_media_type")
            error.headers = ["Accept": "application/json, multipart/form-data"]
            throw error
        }
    }

    static func jsonObject(_ body: [UInt8]) throws(APIError) -> JSONObject {
        guard !body.isEmpty else {
            throw APIError.invalid("The request body is empty; expected a JSON object.", code: "invalid_json")
        }
        let value: JSON
        do { value = try JSON.parse(body) } catch {
            throw APIError.invalid("The request body is not valid JSON: \(error.description).", code: "invalid_json")
        }
        guard let object = value.object else {
            throw APIError.invalid("The request body must be a JSON object, got \(value.typeDescription).", code: "invalid_json")
        }
        return object
    }

    static func multipart(_ request: HTTPRequest) throws(APIError) -> JSONObject {
        let parts: [MultipartPart]
        do { parts = try MultipartForm.parse(request.body, contentType: request.headers[.contentType] ?? "") } catch {
            throw APIError.invalid("Malformed multipart/form-data body: \(error.description).", code: "invalid_multipart")
        }
        var fields = JSONObject()
        for part in parts {
            if part.filename != nil || (part.contentType.map { !$0.hasPrefix("text/") } ?? false) {
                fields[part.name] = [
                    "filename": .string(part.filename ?? part.name),
                    "content_type": .string(part.contentType ?? "application/octet-stream"),
                    "size": .int(part.body.count),
                ]
            } else {
                guard let text = part.text else {
                    throw APIError.invalid(
                        "Multipart field '\(part.name)' is not valid UTF-8 text.", param: part.name, code: "invalid_multipart")
                }
                fields[part.name] = .string(text)
            }
        }
        return fields
    }

    static func form(_ body: [UInt8]) -> JSONObject {
        let request = HTTPRequest(method: "POST", target: "/?" + String(decoding: body, as: UTF8.self))
        var fields = JSONObject()
        for (name, value) in request.query.sorted(by: { $0.key < $1.key }) { fields[name] = .string(value) }
        return fields
    }
}

extension JSONObject {
    /// A required string field, or a 400 naming it.
    package func requiredString(_ name: String) throws(APIError) -> String {
        guard let value = self[name], !value.isNull else {
            throw APIError.invalid("Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
        }
        guard let text = value.string else {
            throw APIError.invalid("'\(name)' must be a string, got \(value.typeDescription).", param: name, code: "invalid_type")
        }
        return text
    }
}
