/// Maps a method and a path to the number of a route (in the order they were added), with
/// `{name}` segments captured. Not generic, so matching costs no runtime type lookups.
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

    package private(set) var routes: [Route] = []

    package init() {}

    /// Adds a route and returns its index.
    @discardableResult
    package mutating func add(_ method: String, _ pattern: String) -> Int {
        let segments = Router.split(pattern).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        routes.append(Route(method: method, pattern: pattern, segments: segments))
        return routes.count - 1
    }

    /// Finds the route for `method` and a percent-encoded `path`. HEAD is served by GET routes.
    package func match(method: String, path: some StringProtocol) -> Match {
        let raw = Router.split(path)
        var decoded: [String] = []
        decoded.reserveCapacity(raw.count)
        for part in raw {
            guard let segment = percentDecode(part) else { return .notFound }
            decoded.append(segment)
        }
        var allowed: [String] = []
        for (index, route) in routes.enumerated() where route.segments.count == decoded.count {
            let matches = zip(route.segments, decoded).allSatisfy { segment, value in
                switch segment {
                case .literal(let literal): literal == value
                case .parameter: !value.isEmpty
                }
            }
            guard matches else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                // Parameters are collected for the route that matched only.
                var parameters: [String: String] = [:]
                for (segment, value) in zip(route.segments, decoded) {
                    if case .parameter(let name) = segment { parameters[name] = value }
                }
                return .found(index, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// Path segments; a trailing slash is ignored.
    static func split(_ path: some StringProtocol) -> [Substring] {
        let text = Substring(path)
        var parts = text.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { Substring($0) }
        if parts.first?.isEmpty == true { parts.removeFirst() }
        if parts.last?.isEmpty == true { parts.removeLast() }
        return parts
    }
}
