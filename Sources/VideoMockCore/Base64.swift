/// Standard and URL-safe base64 (RFC 4648), without Foundation.
package enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    package static func encode(_ bytes: some Collection<UInt8>, urlSafe: Bool = false, padding: Bool = true) -> String {
        encode(Array(bytes), urlSafe: urlSafe, padding: padding)
    }

    package static func encode(_ bytes: [UInt8], urlSafe: Bool = false, padding: Bool = true) -> String {
        let alphabet = urlSafe ? Base64.urlSafe : standard
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let a = bytes[index]
            let b: UInt8? = index + 1 < bytes.count ? bytes[index + 1] : nil
            let c: UInt8? = index + 2 < bytes.count ? bytes[index + 2] : nil
            out.append(alphabet[Int(a >> 2)])
            out.append(alphabet[Int((a & 0x03) << 4 | (b ?? 0) >> 4)])
            if let b { out.append(alphabet[Int((b & 0x0F) << 2 | (c ?? 0) >> 6)]) } else if padding { out.append(61) }
            if let c { out.append(alphabet[Int(c & 0x3F)]) } else if padding { out.append(61) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes standard or URL-safe base64, padded or not; nil when it is not base64.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        var padding = 0
        for byte in text.utf8 {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - 65
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - 71
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte + 4
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="): padding += 1; continue
            case 0x0A, 0x0D: continue
            default: return nil
            }
            if padding > 0 { return nil }  // data after padding
            values.append(value)
        }
        guard padding <= 2, values.count % 4 != 1, !values.isEmpty else { return nil }
        if padding > 0, (values.count + padding) % 4 != 0 { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 3 / 4)
        var index = 0
        while index + 1 < values.count {
            let a = values[index], b = values[index + 1]
            out.append(a << 2 | b >> 4)
            if index + 2 < values.count { out.append(b << 4 | values[index + 2] >> 2) }
            if index + 3 < values.count { out.append(values[index + 2] << 6 | values[index + 3]) }
            index += 4
        }
        return out
    }

    /// How many bytes `text` decodes to, or nil when it is not base64.
    package static func decodedCount(_ text: some StringProtocol) -> Int? { decode(text)?.count }
}
