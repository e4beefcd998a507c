/// Maps a method and a path to a value (usually a handler), with `{name}` segments captured.
public struct Router<Target: Sendable>: Sendable {
    public struct Route: Sendable {
        public let method: String
        public let pattern: String
        let segments: [Segment]
        let target: Target
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public enum Match {
        case found(Target, parameters: [String: String])
        /// The path exists, but not for this method: these are the methods it takes.
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    public private(set) var routes: [Route] = []

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ target: Target) {
        let segments = Router.split(pattern).map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}") ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        routes.append(Route(method: method, pattern: pattern, segments: segments, target: target))
    }

    /// Finds the route for `method` and a percent-encoded `path`. HEAD is served by GET routes.
    public func match(method: String, path: some StringProtocol) -> Match {
        let raw = Router.split(path)
        var decoded: [String] = []
        decoded.reserveCapacity(raw.count)
        for part in raw {
            guard let segment = percentDecode(part) else { return .notFound }
            decoded.append(segment)
        }
        var allowed: [String] = []
        for route in routes where route.segments.count == decoded.count {
            var parameters: [String: String] = [:]
            var matches = true
            for (segment, value) in zip(route.segments, decoded) {
                switch segment {
                case .literal(let literal): matches = literal == value
                case .parameter(let name):
                    matches = !value.isEmpty
                    parameters[name] = value
                }
                if !matches { break }
            }
            guard matches else { continue }
            if route.method == method || (method == "HEAD" && route.method == "GET") {
                return .found(route.target, parameters: parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed: allowed)
    }

    /// Path segments; a trailing slash is ignored.
    static func split(_ path: some StringProtocol) -> [Substring] {
        var parts = Substring(path).split(separator: "/", omittingEmptySubsequences: false)
        if parts.first == "" { parts.removeFirst() }
        if parts.last == "" { parts.removeLast() }
        return parts
    }
}
