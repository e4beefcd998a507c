import Foundation
import Glibc
import JSON

/// A reply as received: status, headers, and body bytes.
struct HTTPResult {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    var text: String { String(decoding: body, as: UTF8.self) }
    var json: JSON { (try? JSON.parse(body)) ?? .null }
    /// The `error` object of an error envelope.
    var error: JSON { json["error"] ?? .null }
}

/// A plain TCP connection speaking HTTP/1.1, so tests control and see every byte.
final class HTTPConnection {
    let fd: Int32
    /// Received bytes; those before `start` are consumed.
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where `recv` writes, copied to `buffer` in one move (the tests are not optimized).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 1)

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect failed: \(errno)") }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Replies already received whole (from a server in router mode): reading them needs no socket.
    init(replies: [UInt8]) {
        fd = -1
        buffer = replies
    }

    deinit {
        if fd >= 0 { close(fd) }
        scratch.deallocate()
    }

    /// A request as `send` writes it: Host and Content-Length added.
    static func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        return Array((head + "\r\n").utf8) + body
    }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestFailure("send failed: \(errno)") }
            offset += sent
        }
    }

    func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Sends a request (Host and Content-Length added) and reads its reply.
    func send(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = []) throws -> HTTPResult {
        try write(HTTPConnection.request(method, path, headers: headers, body: body))
        return try readResponse(isHead: method == "HEAD")
    }

    /// Reads more bytes; false at end of stream.
    @discardableResult
    func fill() throws -> Bool {
        guard fd >= 0 else { return false }
        if start > 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        let count = recv(fd, scratch.baseAddress, scratch.count, 0)
        if count > 0 { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count])) }
        if count < 0 { throw TestFailure(errno == EAGAIN ? "timed out reading" : "recv failed: \(errno)") }
        return count > 0
    }

    private var available: Int { buffer.count - start }

    /// Reads one reply: head, then a Content-Length body (or everything until close).
    func readResponse(isHead: Bool = false) throws -> HTTPResult {
        var headEnd: Int?
        while true {
            if let end = findHeadEnd() { headEnd = end; break }
            guard try fill() else { throw TestFailure("connection closed before a full reply head (\(available) bytes)") }
        }
        let head = String(decoding: buffer[start..<headEnd!], as: UTF8.self)
        start = headEnd! + 4
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw TestFailure("bad status line: \(head)") }
        if status == 100 { return try readResponse(isHead: isHead) }
        let headers = lines.compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let result = HTTPResult(status: status, headers: headers, body: [])
        if isHead { return result }
        var body: [UInt8] = []
        if let length = result.header("Content-Length").flatMap(Int.init) {
            while available < length {
                guard try fill() else { throw TestFailure("connection closed after \(available) of \(length) body bytes") }
            }
            body = Array(buffer[start..<(start + length)])
            start += length
        } else {
            while try fill() {}
            body = Array(buffer[start...])
            start = buffer.count
        }
        return HTTPResult(status: status, headers: headers, body: body)
    }

    /// Whether the server closed the connection (reads return end of stream, or a reset).
    func isClosedByPeer() -> Bool {
        (try? fill()) != true
    }

    /// Where the next CRLF CRLF starts, if it has arrived.
    private func findHeadEnd() -> Int? {
        guard available >= 4 else { return nil }
        return buffer.withUnsafeBufferPointer { bytes in
            var i = start
            while i + 3 < bytes.count {
                if bytes[i] == 13, bytes[i + 1] == 10, bytes[i + 2] == 13, bytes[i + 3] == 10 { return i }
                i += 1
            }
            return nil
        }
    }
}

/// A multipart/form-data body as the OpenAI SDK builds it.
func multipartBody(boundary: String, fields: [(String, String)], files: [(name: String, filename: String, type: String, data: [UInt8])])
    -> [UInt8]
{
    var body: [UInt8] = []
    for (name, value) in fields {
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
    }
    for file in files {
        let head =
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n"
            + "Content-Type: \(file.type)\r\n\r\n"
        body += Array(head.utf8)
        body += file.data + Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    return body
}

/// Whether two byte arrays are equal, compared in one `memcmp` (`==` goes byte by byte in a debug build).
func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count, !a.isEmpty else { return a.count == b.count }
    return a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, a.count) == 0 } }
}
