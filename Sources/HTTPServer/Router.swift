/// Maps a method and a path to the number of a route (in the order they were added), with
/// `{name}` segments captured. Routes are kept as a tree of segments, so a lookup walks the
/// path's few segments instead of comparing every route; where several routes match a path, the
/// one added first wins.
package struct Router: Sendable {
    package struct Route: Sendable {
        package let method: String
        package let pattern: String
        let segments: [Segment]
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    package enum Match {
        /// The index of the route in `routes`.
        case found(Int, parameters: [String: String])
        /// The path exists, but not for this method: these are the methods it takes.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// One position in the tree: the routes whose pattern ends here, and the segments that follow.
    private struct Node: Sendable {
        var routes: [Int] = []
        var literals: [Child] = []
        /// Where any non-empty segment leads (a `{name}` of some route).
        var parameter: Int?
    }

    private struct Child: Sendable {
        let segment: String
        let node: Int
    }

    package private(set) var routes: [Route] = []
    /// `nodes[0]` is the root, the empty path.
    private var nodes = [Node()]

    package init() {}

    /// Adds a route and returns its index.
    @discardableResult
    package mutating func add(_ method: String, _ pattern: String) -> Int {
        let segments = Router.split(Substring(pattern)).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        var node = 0
        for segment in segments {
            switch segment {
            case .literal(let literal):
                if let next = nodes[node].literals.first(where: { $0.segment == literal })?.node {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].literals.append(Child(segment: literal, node: nodes.count - 1))
                    node = nodes.count - 1
                }
            case .parameter:
                if let next = nodes[node].parameter {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].parameter = nodes.count - 1
                    node = nodes.count - 1
                }
            }
        }
        routes.append(Route(method: method, pattern: pattern, segments: segments))
        nodes[node].routes.append(routes.count - 1)
        return routes.count - 1
    }

    /// Finds the route for `method` and a percent-encoded `path`. HEAD is served by GET routes.
    package func match(method: String, path: Substring) -> Match {
        let parts = Router.split(path)
        var decoded: [Substring] = []
        decoded.reserveCapacity(parts.count)
        for part in parts {
            guard let segment = decodedSegment(part) else { return .notFound }
            decoded.append(segment)
        }
        var found: Int?
        var candidates: [Int] = []
        visit(0, depth: 0, decoded) { route in
            candidates.append(route)
            let accepts = routes[route].method == method || (method == "HEAD" && routes[route].method == "GET")
            if accepts, found.map({ route < $0 }) ?? true { found = route }
        }
        if let found {
            var parameters: [String: String] = [:]
            for (segment, value) in zip(routes[found].segments, decoded) {
                if case .parameter(let name) = segment { parameters[name] = String(value) }
            }
            return .found(found, parameters: parameters)
        }
        var allowed: [String] = []
        for route in candidates.sorted() where !allowed.contains(routes[route].method) { allowed.append(routes[route].method) }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// Calls `body` with each route whose pattern matches `segments` from `depth` on, below `node`.
    private func visit(_ node: Int, depth: Int, _ segments: [Substring], _ body: (Int) -> Void) {
        guard depth < segments.count else {
            nodes[node].routes.forEach(body)
            return
        }
        let segment = segments[depth]
        let length = segment.utf8.count
        if let next = nodes[node].literals.first(where: { $0.segment.utf8.count == length && $0.segment == segment })?.node {
            visit(next, depth: depth + 1, segments, body)
        }
        if let next = nodes[node].parameter, !segment.isEmpty {
            visit(next, depth: depth + 1, segments, body)
        }
    }

    /// Path segments; a trailing slash is ignored.
    static func split(_ path: Substring) -> [Substring] {
        var parts: [Substring] = []
        parts.reserveCapacity(8)
        var start = path.startIndex
        func cut(at offset: Int) {
            let end = path.utf8.index(path.startIndex, offsetBy: offset)
            parts.append(path[start..<end])
            start = path.utf8.index(after: end)
        }
        // Slashes are looked for in the contiguous bytes: generic splitting walks String indices.
        let slash = UInt8(ascii: "/")
        let scanned: Void? = path.utf8.withContiguousStorageIfAvailable { bytes in
            for offset in 0..<bytes.count where bytes[offset] == slash { cut(at: offset) }
        }
        if scanned == nil {
            for (offset, byte) in path.utf8.enumerated() where byte == slash { cut(at: offset) }
        }
        parts.append(path[start...])
        if parts.first?.isEmpty == true { parts.removeFirst() }
        if parts.last?.isEmpty == true { parts.removeLast() }
        return parts
    }
}

/// `part` percent-decoded, as is when it holds no escape.
private func decodedSegment(_ part: Substring) -> Substring? {
    let percent = UInt8(ascii: "%")
    let escaped = part.utf8.withContiguousStorageIfAvailable { $0.contains(percent) } ?? part.utf8.contains(percent)
    return escaped ? percentDecode(part).map { Substring($0) } : part
}
