import Glibc

/// Maps a method and a path to the number of a route (in the order they were added), with
/// `{name}` segments captured. Routes are kept as a tree of segments and matched over the
/// path's bytes: a lookup walks the path once, makes no strings but the parameters' values, and
/// resolves parameter names when routes are added. Where several routes match a path, the one
/// added first wins.
package struct Router: Sendable {
    package struct Route: Sendable {
        package let method: HTTPMethod
        package let pattern: String
        /// The names of its `{name}` segments, in order.
        let parameterNames: [String]
    }

    package enum Match {
        /// The index of the route in `routes`.
        case found(Int, parameters: PathParameters)
        /// The path exists, but not for this method: these are the methods it takes.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// One position in the tree: the routes whose pattern ends here, and the segments that follow.
    private struct Node: Sendable {
        var routes: [Int] = []
        var literals: [(segment: [UInt8], node: Int)] = []
        /// Where any non-empty segment leads (a `{name}` of some route).
        var parameter: Int?
    }

    /// The tree laid flat for lookups: each node's literal segments are a run of `edges`, whose
    /// bytes lie in one pool, so that a walk follows indices without touching an array of its own.
    private struct Flat: Sendable {
        struct Node: Sendable {
            var edges: Range<Int32> = 0..<0
            var parameter: Int32 = -1
        }
        struct Edge: Sendable {
            var start: Int32
            var count: Int32
            var node: Int32
        }
        var nodes: [Node] = []
        var edges: [Edge] = []
        var pool: [UInt8] = []
    }

    /// At most this many `{name}` segments in a pattern.
    static let maxParameters = PathParameters.capacity

    package private(set) var routes: [Route] = []
    /// `nodes[0]` is the root, the empty path.
    private var nodes = [Node()]
    private var flat = Flat(nodes: [Flat.Node()])

    package init() {}

    /// Adds a route and returns its index.
    @discardableResult
    package mutating func add(_ method: HTTPMethod, _ pattern: String) -> Int {
        var node = 0
        var names: [String] = []
        for part in pattern.split(separator: "/") {
            if part.hasPrefix("{") && part.hasSuffix("}") {
                names.append(String(part.dropFirst().dropLast()))
                if let next = nodes[node].parameter {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].parameter = nodes.count - 1
                    node = nodes.count - 1
                }
            } else {
                let literal = Array(part.utf8)
                if let next = nodes[node].literals.first(where: { $0.segment == literal })?.node {
                    node = next
                } else {
                    nodes.append(Node())
                    nodes[node].literals.append((literal, nodes.count - 1))
                    node = nodes.count - 1
                }
            }
        }
        precondition(names.count <= Router.maxParameters, "a route has at most \(Router.maxParameters) parameters: \(pattern)")
        routes.append(Route(method: method, pattern: pattern, parameterNames: names))
        nodes[node].routes.append(routes.count - 1)
        flat = Router.flatten(nodes)
        return routes.count - 1
    }

    private static func flatten(_ nodes: [Node]) -> Flat {
        var flat = Flat()
        for node in nodes {
            let first = Int32(flat.edges.count)
            for literal in node.literals {
                flat.edges.append(.init(start: Int32(flat.pool.count), count: Int32(literal.segment.count), node: Int32(literal.node)))
                flat.pool += literal.segment
            }
            flat.nodes.append(.init(edges: first..<Int32(flat.edges.count), parameter: node.parameter.map(Int32.init) ?? -1))
        }
        return flat
    }

    /// At most this many segments in a path that can match (no pattern has as many).
    static let maxSegments = 32

    /// Finds the route for `method` and a percent-encoded `path`. HEAD is served by GET routes.
    /// The path's segments are what lies between its slashes, a leading and a trailing slash
    /// aside; an escaped slash (`%2F`) stays inside its segment.
    package func match(method: HTTPMethod, path: Substring) -> Match {
        let whole = path
        var path = path
        return path.withUTF8 { bytes in
            withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: Router.maxSegments) { segments in
                guard let count = Router.segments(of: bytes, into: segments) else { return .notFound }
                guard let base = bytes.baseAddress, memchr(base, Int32(UInt8(ascii: "%")), bytes.count) != nil else {
                    return match(method, bytes, UnsafeBufferPointer(rebasing: segments[..<count]), path: whole, decoded: nil)
                }
                // Escapes are decoded segment by segment, into bytes of their own.
                var decoded: [UInt8] = []
                for index in 0..<count {
                    let raw = String(decoding: UnsafeBufferPointer(rebasing: bytes[segments[index]]), as: UTF8.self)
                    guard let text = percentDecode(raw) else { return .notFound }
                    let start = decoded.count
                    decoded.append(contentsOf: text.utf8)
                    segments[index] = start..<decoded.count
                }
                let decodedText = String(decoding: decoded, as: UTF8.self)
                return decoded.withUnsafeBufferPointer {
                    match(method, $0, UnsafeBufferPointer(rebasing: segments[..<count]), path: whole, decoded: decodedText)
                }
            }
        }
    }

    /// The string a path's ranges are of: the one it is a slice of, which the parameters keep (a
    /// slice that does not start it, which no caller gives, is copied first).
    private static func string(of path: Substring) -> String {
        path.startIndex == path.base.startIndex ? path.base : String(path)
    }

    /// The segments' ranges in `bytes`; nil when there are more than fit.
    private static func segments(of bytes: UnsafeBufferPointer<UInt8>, into ranges: UnsafeMutableBufferPointer<Range<Int>>) -> Int? {
        var count = 0
        var start = 0
        while true {
            var end = bytes.count
            if start < bytes.count, let base = bytes.baseAddress,
                let slash = memchr(base + start, Int32(UInt8(ascii: "/")), bytes.count - start)
            {
                end = base.distance(to: slash.assumingMemoryBound(to: UInt8.self))
            }
            guard count < ranges.count else { return nil }
            ranges[count] = start..<end
            count += 1
            guard end < bytes.count else { break }
            start = end + 1
        }
        var first = 0
        if ranges[0].isEmpty { first = 1 }
        if count > first, ranges[count - 1].isEmpty { count -= 1 }
        if first == 1 {
            for index in 0..<max(0, count - 1) { ranges[index] = ranges[index + 1] }
            count = max(0, count - 1)
        }
        return count
    }

    /// `bytes` are the path's, or its `decoded` segments'.
    private func match(
        _ method: HTTPMethod, _ bytes: UnsafeBufferPointer<UInt8>, _ segments: UnsafeBufferPointer<Range<Int>>, path: Substring,
        decoded: String?
    ) -> Match {
        flat.nodes.withUnsafeBufferPointer { flatNodes in
            flat.edges.withUnsafeBufferPointer { edges in
                flat.pool.withUnsafeBufferPointer { pool in
                    var search = Search(
                        method: method, bytes: bytes, segments: segments, nodes: flatNodes, edges: edges, pool: pool.baseAddress)
                    search.visit(0, depth: 0, self)
                    guard let found = search.found else {
                        // A second walk, only now, gathers every route of the path for the 405's `Allow`.
                        search.collectsCandidates = true
                        search.visit(0, depth: 0, self)
                        var allowed: [String] = []
                        for route in search.candidates.sorted() where !allowed.contains(routes[route].method.name) {
                            allowed.append(routes[route].method.name)
                        }
                        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
                    }
                    let names = routes[found].parameterNames
                    guard !names.isEmpty else { return .found(found, parameters: PathParameters()) }
                    let ranges = names.indices.lazy.map { search.foundValue($0) }
                    // A path too long for the ranges' 16 bits matches nothing (no served path is).
                    guard let parameters = PathParameters(names: names, source: decoded ?? Router.string(of: path), ranges: ranges) else {
                        return .notFound
                    }
                    return .found(found, parameters: parameters)
                }
            }
        }
    }

    /// A walk of the tree over one path's segments.
    private struct Search {
        let method: HTTPMethod
        let bytes: UnsafeBufferPointer<UInt8>
        let segments: UnsafeBufferPointer<Range<Int>>
        let nodes: UnsafeBufferPointer<Flat.Node>
        let edges: UnsafeBufferPointer<Flat.Edge>
        let pool: UnsafePointer<UInt8>?
        var found: Int?
        /// The `{name}` values of the route found.
        private var foundValues: (Range<Int>, Range<Int>) = (0..<0, 0..<0)
        /// With `collectsCandidates`: every route whose pattern matched, whatever its method.
        var collectsCandidates = false
        var candidates: [Int] = []
        /// The values of the `{name}` segments on the way down (at most `maxParameters`).
        private var values: (Range<Int>, Range<Int>) = (0..<0, 0..<0)
        private var valueCount = 0

        init(
            method: HTTPMethod, bytes: UnsafeBufferPointer<UInt8>, segments: UnsafeBufferPointer<Range<Int>>,
            nodes: UnsafeBufferPointer<Flat.Node>, edges: UnsafeBufferPointer<Flat.Edge>, pool: UnsafePointer<UInt8>?
        ) {
            self.method = method
            self.bytes = bytes
            self.segments = segments
            self.nodes = nodes
            self.edges = edges
            self.pool = pool
        }

        /// Matches the segments from `depth` on below `node`.
        mutating func visit(_ node: Int, depth: Int, _ router: Router) {
            guard depth < segments.count else { return ended(at: node, router) }
            let segment = segments[depth]
            let here = nodes[node]
            for index in Int(here.edges.lowerBound)..<Int(here.edges.upperBound) {
                let edge = edges[index]
                guard Int(edge.count) == segment.count else { continue }
                if segment.isEmpty || memcmp(pool! + Int(edge.start), bytes.baseAddress! + segment.lowerBound, segment.count) == 0 {
                    visit(Int(edge.node), depth: depth + 1, router)
                    break
                }
            }
            if here.parameter >= 0, !segment.isEmpty, valueCount < Router.maxParameters {
                set(valueCount, segment)
                valueCount += 1
                visit(Int(here.parameter), depth: depth + 1, router)
                valueCount -= 1
            }
        }

        private mutating func ended(at node: Int, _ router: Router) {
            for route in router.nodes[node].routes {
                if collectsCandidates { candidates.append(route) }
                let routeMethod = router.routes[route].method
                guard routeMethod == method || (method == .head && routeMethod == .get), found.map({ route < $0 }) ?? true else { continue }
                found = route
                foundValues = values
            }
        }

        private mutating func set(_ index: Int, _ range: Range<Int>) {
            if index == 0 { values.0 = range } else { values.1 = range }
        }

        func foundValue(_ index: Int) -> Range<Int> {
            index == 0 ? foundValues.0 : foundValues.1
        }
    }
}
