/// Standard and URL-safe base64 (RFC 4648), without Foundation.
package enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    package static func encode(_ bytes: some Collection<UInt8>, urlSafe: Bool = false, padding: Bool = true) -> String {
        encode(Array(bytes), urlSafe: urlSafe, padding: padding)
    }

    package static func encode(_ bytes: [UInt8], urlSafe: Bool = false, padding: Bool = true) -> String {
        let triples = bytes.count / 3, rest = bytes.count % 3
        let length = triples * 4 + (rest == 0 ? 0 : padding ? 4 : rest + 1)
        guard length > 0 else { return "" }
        return (urlSafe ? Base64.urlSafe : standard).withUnsafeBufferPointer { alphabet in
            bytes.withUnsafeBufferPointer { input in
                String(unsafeUninitializedCapacity: length) { out in
                    func put(_ bits: UInt32, at position: Int) { out[position] = alphabet[Int(bits & 63)] }
                    var i = 0, o = 0
                    for _ in 0..<triples {
                        let bits = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
                        put(bits >> 18, at: o)
                        put(bits >> 12, at: o + 1)
                        put(bits >> 6, at: o + 2)
                        put(bits, at: o + 3)
                        i += 3
                        o += 4
                    }
                    guard rest > 0 else { return o }
                    let bits = UInt32(input[i]) << 16 | (rest == 2 ? UInt32(input[i + 1]) << 8 : 0)
                    put(bits >> 18, at: o)
                    put(bits >> 12, at: o + 1)
                    o += 2
                    if rest == 2 {
                        put(bits >> 6, at: o)
                        o += 1
                    }
                    while padding, o % 4 != 0 {
                        out[o] = UInt8(ascii: "=")
                        o += 1
                    }
                    return o
                }
            }
        }
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
