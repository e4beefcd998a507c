import Testing

@testable import HTTPServer

@Suite("Request heads")
struct RequestHeadTests {
    func parse(_ text: String) throws(RequestHead.Failure) -> RequestHead {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { (buffer) throws(RequestHead.Failure) in try RequestHead.parse(buffer) }
    }

    @Test("parses the request line and header fields")
    func parses() throws {
        let head = try parse("POST /v1/videos?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type:  application/json \r\nX-Empty:\r\n")
        #expect(head.method == "POST")
        #expect(head.target == "/v1/videos?x=1")
        #expect(head.version == .http11)
        #expect(head.headers["content-type"] == "application/json")
        #expect(head.headers["X-Empty"] == "")
        #expect(head.keepAlive)
    }

    @Test(
        "refuses malformed heads with the right status",
        arguments: [
            ("GET /\r\n", 400), ("GET / HTTP/2.0\r\n", 505), ("GET / FTP/1.0\r\n", 400), ("G(T / HTTP/1.1\r\n", 400),
            ("GET /a b HTTP/1.1\r\n", 400), ("GET / HTTP/1.1\r\nBad Header: x\r\n", 400), ("GET / HTTP/1.1\r\nA: b\r\n folded\r\n", 400),
            ("GET / HTTP/1.1\r\nNoColon\r\n", 400),
        ])
    func refuses(_ text: String, _ status: Int) {
        #expect(throws: RequestHead.Failure.self) { try parse(text) }
        do { _ = try parse(text) } catch { #expect(error.status == status) }
    }

    @Test("a header value may hold tabs, spaces and bytes over 0x7F, and no other control byte, wherever it lies")
    func fieldValues() throws {
        let long = "Bearer sk-0123456789abcdefghijklmnopqrstuvwxyz"
        for position in 0...long.utf8.count {
            var bytes = Array(long.utf8)
            bytes.insert(0x09, at: position)
            #expect(
                try parse("GET / HTTP/1.1\r\nA: x\(String(decoding: bytes, as: UTF8.self))x\r\n").headers["A"]?.utf8.count == bytes.count
                    + 2)
            for bad: UInt8 in [0x00, 0x01, 0x08, 0x0B, 0x1F, 0x7F] {
                bytes[position == long.utf8.count ? position - 1 : position] = bad
                let text = "GET / HTTP/1.1\r\nA: x\(String(decoding: bytes, as: UTF8.self))x\r\n"
                #expect(throws: RequestHead.Failure(status: 400, reason: "control character in header value")) { try parse(text) }
            }
        }
        #expect(try parse("GET / HTTP/1.1\r\nA: caf\u{E9} \u{1F3AC} ~ \r\n").headers["A"] == "caf\u{E9} \u{1F3AC} ~")
    }

    @Test("a head arriving in pieces: more is asked for until its blank line, whatever the cut; then it is read whole")
    func pieces() throws {
        let text =
            "\r\nPOST /v1/videos?x=1 HTTP/1.1\r\nHost: mock\r\nAuthorization: Bearer sk-1\r\nX-Tab:\ta\tb \r\n"
            + "Content-Length: 2\r\nAccept: */*\n\r\n{}"
        let bytes = Array(text.utf8)
        let headLength = bytes.count - 2
        try bytes.withUnsafeBufferPointer { all in
            for cut in 0..<headLength {
                #expect(try RequestHead.parse(prefixOf: UnsafeBufferPointer(rebasing: all[..<cut])) == nil, "cut at \(cut)")
            }
            for cut in headLength...bytes.count {
                let parsed = try #require(try RequestHead.parse(prefixOf: UnsafeBufferPointer(rebasing: all[..<cut])))
                #expect(parsed.1 == headLength)
                #expect(parsed.0.target == "/v1/videos?x=1")
                #expect(parsed.0.headers.bearerToken == "sk-1")
                #expect(parsed.0.headers["x-tab"] == "a\tb")
                #expect(parsed.0.headers[.contentLength] == "2")
                #expect(parsed.0.headers["Accept"] == "*/*")
                #expect(parsed.0.headers.count == 5)
            }
        }
        // A bad byte is refused as soon as it arrives, without waiting for the blank line.
        try Array("GET / HTTP/1.1\r\nA: \u{1}".utf8).withUnsafeBufferPointer { bytes in
            #expect(throws: RequestHead.Failure(status: 400, reason: "control character in header value")) {
                try RequestHead.parse(prefixOf: bytes)
            }
        }
    }

    @Test("the eight-at-a-time scans stop where a byte-by-byte scan stops, for any bytes")
    func wordScans() {
        var generator = SystemRandomNumberGenerator()
        let table = ByteClasses.table
        // Mostly name-like bytes, so that the scans run long, with any byte now and then.
        let common = Array("abcXYZ019-_.:~ \t\r\n".utf8)
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...40, using: &generator)
            let bytes = (0..<count).map { _ in
                Int.random(in: 0..<8, using: &generator) == 0 ? UInt8.random(in: 0...255, using: &generator) : common.randomElement()!
            }
            bytes.withUnsafeBufferPointer { buffer in
                table.withUnsafeBufferPointer { classes in
                    let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 8)!
                    let start = count == 0 ? 0 : Int.random(in: 0..<count, using: &generator)
                    let token = bytes[start...].firstIndex { table[Int($0)] & ByteClasses.token == 0 } ?? count
                    let value = bytes[start...].firstIndex { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F } ?? count
                    let target = bytes[start...].firstIndex { $0 <= 0x20 || $0 >= 0x7F } ?? count
                    #expect(
                        ByteClasses.firstOutsideToken(base, from: start, end: count, classes: classes.baseAddress!) == token, "\(bytes)")
                    #expect(ByteClasses.firstOutsideValue(base, from: start, end: count) == value, "\(bytes)")
                    #expect(ByteClasses.firstOutsideTarget(base, from: start, end: count) == target, "\(bytes)")
                }
            }
        }
    }

    @Test("the fields the server reads are known by name in any case, and near misses are not")
    func knownNames() {
        for known in RequestHeaders.Known.allCases {
            let name = known.name
            for variant in [name, name.lowercased(), name.uppercased()] {
                #expect(Array(variant.utf8).withUnsafeBufferPointer { RequestHeaders.Known.named($0) } == known, "\(variant)")
                // The parse asks `named` only of names that pass this gate.
                #expect(RequestHeaders.Known.mayBe(length: variant.utf8.count, initial: variant.utf8.first!), "\(variant)")
            }
            for index in name.utf8.indices {
                for replacement in [UInt8(ascii: "_"), UInt8(ascii: "q"), UInt8(ascii: "0")] where name.utf8[index] | 0x20 != replacement {
                    var bytes = Array(name.utf8)
                    bytes[name.utf8.distance(from: name.utf8.startIndex, to: index)] = replacement
                    #expect(
                        bytes.withUnsafeBufferPointer { RequestHeaders.Known.named($0) } == nil, "\(String(decoding: bytes, as: UTF8.self))"
                    )
                }
            }
        }
    }

    @Test("a head with hundreds of fields keeps them all, in order, whole or arriving in pieces")
    func manyFields() throws {
        let fields = (0..<300).map { $0 == 200 ? "Host: mock\r\n" : "X-Field-\($0): value \($0)\r\n" }
        let bytes = Array(("GET / HTTP/1.1\r\n" + fields.joined() + "\r\n").utf8)
        try bytes.withUnsafeBufferPointer { all in
            let (head, length) = try #require(try RequestHead.parse(prefixOf: all))
            #expect(length == bytes.count)
            #expect(head.headers.count == 300)
            #expect(head.headers[.host] == "mock")
            #expect(head.headers["X-Field-299"] == "value 299")
            #expect(try RequestHead.parse(prefixOf: UnsafeBufferPointer(rebasing: all[..<(bytes.count - 1)])) == nil)
        }
    }

    @Test("HTTP/1.0 and HTTP/1.1 are told apart; other versions are refused")
    func versions() throws {
        #expect(try parse("GET / HTTP/1.0\r\n").version == .http10)
        #expect(try parse("GET / HTTP/1.1\r\n").version == .http11)
        #expect(throws: RequestHead.Failure(status: 505, reason: "HTTP version 1.2 is not supported")) { try parse("GET / HTTP/1.2\r\n") }
        #expect(throws: RequestHead.Failure(status: 505, reason: "HTTP version 1.1x is not supported")) { try parse("GET / HTTP/1.1x\r\n") }
        #expect(throws: RequestHead.Failure(status: 400, reason: "malformed HTTP version")) { try parse("GET / HTTX/1.1\r\n") }
    }

    @Test("body framing follows RFC 9112")
    func framing() throws {
        #expect(try parse("GET / HTTP/1.1\r\n").bodyFraming() == .none)
        #expect(try parse("POST / HTTP/1.1\r\nContent-Length: 12\r\n").bodyFraming() == .length(12))
        #expect(try parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n").bodyFraming() == .chunked)
        #expect(throws: RequestHead.Failure.self) { try parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n").bodyFraming() }
        #expect(throws: RequestHead.Failure.self) {
            try parse("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n").bodyFraming()
        }
        #expect(throws: RequestHead.Failure.self) {
            try parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n").bodyFraming()
        }
        #expect(throws: RequestHead.Failure.self) { try parse("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n").bodyFraming() }
    }

    @Test("keep-alive: HTTP/1.1 unless close, HTTP/1.0 only when asked")
    func keepAlive() throws {
        #expect(try !parse("GET / HTTP/1.1\r\nConnection: close\r\n").keepAlive)
        #expect(try !parse("GET / HTTP/1.0\r\n").keepAlive)
        #expect(try parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n").keepAlive)
    }
}

@Suite("Multipart form data")
struct MultipartTests {
    @Test("reads text fields and files, with quoted and unquoted boundaries")
    func parses() throws {
        let text =
            "preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nsora-2\r\n"
            + "--XyZ\r\n"
            + "Content-Disposition: form-data; name=\"input_reference\"; filename=\"a \\\"b\\\".png\"\r\n"
            + "Content-Type: image/png\r\n\r\n\u{0}\u{1}\r\n--\r\n--XyZ--\r\nepilogue"
        let body = Array(text.utf8)
        for contentType in ["multipart/form-data; boundary=XyZ", "multipart/form-data; charset=utf-8; boundary=\"XyZ\""] {
            let parts = try MultipartForm.parse(body, contentType: contentType)
            #expect(parts.count == 2)
            #expect(parts[0] == MultipartPart(name: "model", filename: nil, contentType: nil, body: Array("sora-2".utf8)))
            #expect(parts[1].name == "input_reference")
            #expect(parts[1].filename == "a \"b\".png")
            #expect(parts[1].contentType == "image/png")
            #expect(parts[1].body == [0, 1, 13, 10, 45, 45])
        }
    }

    @Test(
        "says what is wrong with broken bodies",
        arguments: [
            ("multipart/form-data", "--a--", "no valid boundary"),
            ("multipart/form-data; boundary=a", "nothing here", "does not contain the boundary"),
            ("multipart/form-data; boundary=a", "--a\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nvalue", "unterminated part"),
            ("multipart/form-data; boundary=a", "--a\r\nContent-Disposition: form-data\r\n\r\nv\r\n--a--", "no Content-Disposition name"),
            ("multipart/form-data; boundary=a", "--a\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--a", "unterminated part"),
        ])
    func broken(_ contentType: String, _ body: String, _ message: String) {
        do {
            _ = try MultipartForm.parse(Array(body.utf8), contentType: contentType)
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains(message), "\(error.description)")
        }
    }
}

@Suite("Byte ranges")
struct ByteRangeTests {
    @Test(
        "evaluates Range headers against a size",
        arguments: [
            ("bytes=0-99", ByteRange.partial(offset: 0, length: 100)),
            ("bytes=900-", .partial(offset: 900, length: 100)),
            ("bytes=950-5000", .partial(offset: 950, length: 50)),
            ("bytes=-10", .partial(offset: 990, length: 10)),
            ("bytes=-5000", .partial(offset: 0, length: 1000)),
            ("bytes=1000-", .unsatisfiable),
            ("bytes=-0", .unsatisfiable),
            ("bytes=5-1", .whole),
            ("bytes=0-1,5-6", .whole),
            ("items=0-1", .whole),
            ("bytes=a-b", .whole),
        ])
    func evaluates(_ header: String, _ expected: ByteRange) {
        #expect(ByteRange.evaluate(header, size: 1000) == expected)
    }
}

@Suite("Router")
struct RouterTests {
    @Test("matches literal and parameter segments, decodes them, and tells 404 from 405")
    func matches() {
        var router = Router()
        let names = ["list", "get", "delete", "content"]
        router.add("GET", "/v1/videos")
        router.add("GET", "/v1/videos/{id}")
        router.add("DELETE", "/v1/videos/{id}")
        router.add("GET", "/v1/videos/{id}/content")
        if case .found(let index, let parameters) = router.match(method: "GET", path: "/v1/videos/a%2Fb/content") {
            #expect(names[index] == "content")
            #expect(parameters == ["id": "a/b"])
        } else {
            Issue.record("no match")
        }
        if case .found(let index, _) = router.match(method: "HEAD", path: "/v1/videos/") {
            #expect(names[index] == "list")
        } else {
            Issue.record("no HEAD")
        }
        if case .methodNotAllowed(let allowed) = router.match(method: "POST", path: "/v1/videos/x") {
            #expect(allowed == ["GET", "DELETE"])
        } else {
            Issue.record("no 405")
        }
        if case .notFound = router.match(method: "GET", path: "/v1/videos/x/y/z") {} else { Issue.record("matched") }
        if case .notFound = router.match(method: "GET", path: "/v1/videos/%zz") {} else { Issue.record("bad escape matched") }
        if case .notFound = router.match(method: "GET", path: "/v1/../v1/videos") {} else { Issue.record("dot segments matched") }
        if case .notFound = router.match(method: "GET", path: "/v1/videos//content") {} else { Issue.record("empty id matched") }
    }

    @Test("a parameter's value is a range of the path as sent, not a copy; two parameters each find their own")
    func ranges() {
        var router = Router()
        router.add("GET", "/v1/tasks/{task}/files/{file}")
        let target = "/v1/tasks/task_123/files/clip.mp4?x=1"
        let path = target[..<target.firstIndex(of: "?")!]
        guard case .found(_, let parameters) = router.match(method: "GET", path: path) else {
            Issue.record("no match")
            return
        }
        #expect(parameters["task"] == "task_123")
        #expect(parameters["file"] == "clip.mp4")
        #expect(parameters.first == "task_123")
        #expect(parameters["other"] == nil)
        let value = parameters["file"]!
        #expect(value.base == target)
        #expect(target.utf8.distance(from: target.startIndex, to: value.startIndex) == 25)
        #expect(parameters == ["task": "task_123", "file": "clip.mp4"])
        #expect(parameters != ["task": "task_123", "file": "clip.mp3"])
        // Past the ranges' 16 bits (no head the server takes is that long) nothing matches.
        let long = "/v1/tasks/" + String(repeating: "x", count: 70_000) + "/files/a"
        if case .notFound = router.match(method: "GET", path: long[...]) {} else { Issue.record("a range past 16 bits matched") }
    }

    @Test("where a literal and a parameter both match, the route added first wins; 405 lists methods in that order")
    func order() {
        var router = Router()
        router.add("POST", "/v1/videos/{id}/remix")
        router.add("GET", "/v1/videos/{id}")
        router.add("GET", "/v1/videos/generations")
        router.add("DELETE", "/v1/videos/generations")
        router.add("GET", "/v1/{resource}/generations")
        func index(_ method: HTTPMethod, _ path: Substring) -> Int? {
            if case .found(let index, _) = router.match(method: method, path: path) { return index }
            return nil
        }
        #expect(index("GET", "/v1/videos/generations") == 1)
        #expect(index("DELETE", "/v1/videos/generations") == 3)
        #expect(index("GET", "/v1/images/generations") == 4)
        #expect(index("POST", "/v1/videos/generations/remix") == 0)
        if case .methodNotAllowed(let allowed) = router.match(method: "PUT", path: "/v1/videos/generations") {
            #expect(allowed == ["GET", "DELETE"])
        } else {
            Issue.record("no 405")
        }
        if case .found(_, let parameters) = router.match(method: "GET", path: "/v1/images/generations") {
            #expect(parameters == ["resource": "images"])
        }
    }
}

@Suite("Router: segments as the bytes give them")
struct RouterSegmentTests {
    @Test(
        "leading, trailing and doubled slashes, escapes and methods",
        arguments: [
            ("GET", "/v1/videos/abc", "get abc"), ("GET", "/v1/videos/abc/", "get abc"), ("GET", "v1/videos/abc", "get abc"),
            ("GET", "//v1/videos/abc", "404"), ("GET", "/v1/videos//abc", "404"), ("GET", "/v1/videos/a%20b", "get a b"),
            ("GET", "/v1/vid%65os/x", "get x"), ("HEAD", "/v1/videos/x", "get x"), ("PATCH", "/v1/videos/x", "405 GET, DELETE"),
            ("BREW", "/v1/videos/x", "405 GET, DELETE"), ("GET", "/", "404"), ("GET", "", "404"),
            ("GET", "/v1/videos/x/content", "content x"), ("GET", "/v1/videos/%E2%82%AC/content", "content €"),
            ("GET", "/v1/videos/%ff/content", "404"), ("GET", "/" + String(repeating: "a/", count: 40), "404"),
        ])
    func segments(_ method: String, _ path: String, _ expected: String) {
        var router = Router()
        router.add("GET", "/v1/videos/{id}")
        router.add("DELETE", "/v1/videos/{id}")
        router.add("GET", "/v1/videos/{id}/content")
        let names = ["get", "delete", "content"]
        let got: String =
            switch router.match(method: HTTPMethod(method), path: Substring(path)) {
            case .found(let index, let parameters): "\(names[index]) \(parameters.first ?? "")"
            case .methodNotAllowed(let allowed): "405 \(allowed.joined(separator: ", "))"
            case .notFound: "404"
            }
        #expect(got == expected, "\(method) \(path)")
    }
}

@Suite("Headers the server reads")
struct KnownHeaderTests {
    @Test("every known field is found whatever its case, and names that only look alike are not")
    func known() {
        for known in RequestHeaders.Known.allCases {
            for name in [known.name, known.name.lowercased(), known.name.uppercased()] {
                let headers: RequestHeaders = ["X-Other": "1", name: "value", known.name: "second"]
                #expect(headers[known] == "value", "\(name)")
            }
            let lookalike = String(known.name.dropLast()) + "_"
            let headers: RequestHeaders = [lookalike: "v"]
            #expect(headers[known] == nil, "\(lookalike)")
        }
    }
}
