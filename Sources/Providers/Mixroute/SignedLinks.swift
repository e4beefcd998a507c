import HTTPServer

/// Download links signed like an object store's: anyone holding one may fetch the file until
/// it expires; the signature keeps ids and expiry times from being altered.
struct SignedLinks: Sendable {
    let secret: String

    enum Refusal: Error {
        case badSignature, expired, missing, invalidRange
    }

    /// `/files/{id}.mp4?expires=EPOCH&signature=HEX`.
    func path(for id: String, expiresAt: Int) -> String {
        "/files/\(id).mp4?expires=\(expiresAt)&signature=\(signature(id: id, expires: String(expiresAt)))"
    }

    /// The task id the link names, if it is genuine and still valid at `now`.
    /// The task id the link names, if we signed it. Whether it has expired is the task's to
    /// say (the link's `expires` is the task's expiry), on its owner's clock.
    func verify(file: String, expires: String?, signature given: String?) -> Result<String, Refusal> {
        guard let id = SignedLinks.taskID(file: file), let expires, Int(expires) != nil, let given else {
            return .failure(.badSignature)
        }
        guard given == signature(id: id, expires: expires) else { return .failure(.badSignature) }
        return .success(id)
    }

    /// The task id in a link's file name, `{id}.mp4`.
    static func taskID(file: String) -> String? {
        file.hasSuffix(".mp4") ? String(file.dropLast(4)) : nil
    }

    /// FNV-1a over the secret, id and expiry: enough to tell a link we issued from an altered one.
    private func signature(id: String, expires: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(secret)|\(id)|\(expires)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The XML error object stores answer with.
    static func objectStoreError(_ refusal: Refusal) -> HTTPResponse {
        let (status, code, message) =
            switch refusal {
            case .expired: (403, "AccessDenied", "Request has expired")
            case .badSignature:
                (403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided")
            case .missing: (404, "NoSuchKey", "The specified key does not exist")
            case .invalidRange: (416, "InvalidRange", "The requested range is not satisfiable")
            }
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>\(code)</Code><Message>\(message)</Message></Error>\n"
        return HTTPResponse(status: status, contentType: "application/xml", bytes: Array(body.utf8))
    }
}
