/// What is never written to a recording: credentials in headers, queries, bodies and signed URLs.
package enum Redaction {
    package static let mark = "[redacted]"

    /// Header, field and query names that carry a credential.
    package static func isSecret(_ name: String) -> Bool {
        let lower = name.lowercased()
        if ["authorization", "proxy-authorization", "cookie", "set-cookie", "key"].contains(lower) { return true }
        return ["api-key", "api_key", "apikey", "token", "secret", "password", "credential", "signature", "session", "accesskey"]
            .contains { lower.contains($0) } || lower.hasSuffix("-key") || lower.hasSuffix("_key")
    }

    /// Query parameters of signed URLs that are credentials (and any named like a key).
    static let signedURLParameters: Set<String> = [
        "signature", "x-amz-credential", "x-amz-signature", "x-amz-security-token", "ossaccesskeyid", "security-token",
        "x-goog-signature", "x-goog-credential", "sig", "key", "api_key",
    ]

    /// A query string with credential values replaced.
    package static func query(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
            guard let equals = pair.firstIndex(of: "=") else { return String(pair) }
            let name = String(pair[..<equals])
            return signedURLParameters.contains(name.lowercased()) || isSecret(name) ? "\(name)=\(mark)" : String(pair)
        }.joined(separator: "&")
    }

    /// Text with the credentials of any URLs in it replaced (`...?X-Amz-Signature=[redacted]`).
    package static func urls(in text: String) -> String {
        guard text.contains("?") || text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let question = rest.firstIndex(where: { $0 == "?" || $0 == "&" }) {
            result += rest[...question]
            rest = rest[rest.index(after: question)...]
            let end = rest.firstIndex { $0 == "&" || $0 == "\"" || $0 == " " || $0 == "#" || $0 == "'" } ?? rest.endIndex
            let pair = rest[..<end]
            if let equals = pair.firstIndex(of: "=") {
                let name = String(pair[..<equals])
                result += signedURLParameters.contains(name.lowercased()) || isSecret(name) ? "\(name)=\(mark)" : String(pair)
            } else {
                result += pair
            }
            rest = rest[end...]
        }
        return result + rest
    }
}
