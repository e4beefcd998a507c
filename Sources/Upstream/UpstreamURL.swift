/// Where a provider's requests go when proxied: `https://aihubmix.com` or
/// `http://127.0.0.1:9000/aihubmix` (a base path is put before every forwarded path).
package struct UpstreamURL: Sendable, Equatable, CustomStringConvertible {
    package let isTLS: Bool
    package let host: String
    package let port: Int
    /// Put before each forwarded path: "" or "/aihubmix" (no trailing slash).
    package let basePath: String

    package init?(_ text: String) {
        let rest: Substring
        if text.hasPrefix("https://") {
            isTLS = true
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            isTLS = false
            rest = text.dropFirst(7)
        } else {
            return nil
        }
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = String(rest[authorityEnd...])
        while path.hasSuffix("/") { path.removeLast() }
        guard !path.contains("?"), !path.contains("#") else { return nil }
        basePath = path
        // [v6]:port, host:port or host.
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { return nil }
            guard let port = after.isEmpty ? (isTLS ? 443 : 80) : Int(after.dropFirst()) else { return nil }
            self.port = port
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let port = Int(authority[authority.index(after: colon)...]) else { return nil }
            self.port = port
        } else {
            host = String(authority)
            port = isTLS ? 443 : 80
        }
        guard !host.isEmpty, (1...65535).contains(port) else { return nil }
    }

    /// The Host header: the port only when it is not the scheme's own.
    package var authority: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (isTLS ? 443 : 80) ? name : "\(name):\(port)"
    }

    /// `https://aihubmix.com`: what result URLs on this upstream start with.
    package var origin: String { "\(isTLS ? "https" : "http")://\(authority)" }

    /// Everything forwarded goes under this: the origin and the base path.
    package var description: String { origin + basePath }
}
