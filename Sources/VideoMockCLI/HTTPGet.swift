import Glibc

/// A plain HTTP/1.1 GET over a socket, enough for the command line to ask a server for its
/// verdict (no TLS: VideoMock serves plain HTTP on the machine it runs on).
enum HTTPGet {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func fetch(_ url: String, token: String?) throws(Failure) -> (status: Int, body: [UInt8]) {
        guard url.hasPrefix("http://") else { throw Failure(description: "only http:// URLs are served, got '\(url)'") }
        let rest = url.dropFirst(7)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash], target = slash == rest.endIndex ? "/" : String(rest[slash...])
        var host = String(authority), port = "80"
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = String(authority[..<colon])
            port = String(authority[authority.index(after: colon)...])
        }
        host = host.trimmingCharacters(in: "[]")
        let socket = try connect(host: host, port: port)
        defer { close(socket) }
        var request = "GET \(target) HTTP/1.1\r\nHost: \(authority)\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        guard send(socket, bytes, bytes.count, Int32(MSG_NOSIGNAL)) == bytes.count else {
            throw Failure(description: String(cString: strerror(errno)))
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count <= 0 { break }
            received += buffer[..<count]
        }
        guard let end = received.firstRange(of: Array("\r\n\r\n".utf8)) else { throw Failure(description: "no HTTP reply") }
        let statusLine = String(decoding: received[..<end.lowerBound], as: UTF8.self).split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "no HTTP status") }
        return (status, Array(received[end.upperBound...]))
    }

    private static func connect(host: String, port: String) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, port, &hints, &list)
        guard status == 0, let first = list else { throw Failure(description: String(cString: gai_strerror(status))) }
        defer { freeaddrinfo(list) }
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return fd }
            close(fd)
        }
        throw Failure(description: "connection refused by \(host):\(port)")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
