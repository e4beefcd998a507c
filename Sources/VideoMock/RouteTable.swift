import Admin
import HTTPServer
import Providers
import VideoMockCore

/// Every route served, each with what it leads to, built in one place from the providers and
/// the admin API.
struct RouteTable: Sendable {
    /// A provider's route under one prefix; held by reference, so that a look-up hands it out
    /// without copying what it holds.
    final class ProviderEndpoint: Sendable {
        let provider: any Provider
        let route: ProviderRoute
        let basePath: String

        init(_ provider: any Provider, _ route: ProviderRoute, basePath: String) {
            self.provider = provider
            self.route = route
            self.basePath = basePath
        }
    }

    enum Target: Sendable {
        case provider(ProviderEndpoint)
        case admin(AdminAPI.Route)
        /// A bare `/v1` path that other providers serve under their own prefix.
        case elsewhere([ProviderID])
    }

    enum Lookup {
        case found(Target, parameters: PathParameters)
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    private let router: Router
    private let providers: [any Provider]
    /// By route index: the router answers with the index of the route it matched.
    private let targets: [Target]

    private init(_ entries: [(method: String, path: String, target: Target)], providers: [any Provider]) {
        self.providers = providers
        var router = Router()
        for entry in entries { router.add(HTTPMethod(entry.method), entry.path) }
        self.router = router
        targets = entries.map(\.target)
    }

    /// Each provider under `/{name}/v1` (public routes under `/{name}`), the bare provider's
    /// routes under `/v1` too with pointers for the others' bare paths, and `/__admin`.
    init(providers: [any Provider], bare: ProviderID, admin: AdminAPI) {
        var entries: [(method: String, path: String, target: Target)] = []
        for provider in providers {
            for route in provider.routes {
                let base = route.isPublic ? "/\(provider.name.rawValue)" : "/\(provider.name.rawValue)/v1"
                entries.append((route.method, base + route.path, .provider(ProviderEndpoint(provider, route, basePath: base))))
            }
        }
        let bareProvider = providers.first { $0.name == bare }!
        for route in bareProvider.routes where !route.isPublic {
            entries.append((route.method, "/v1\(route.path)", .provider(ProviderEndpoint(bareProvider, route, basePath: "/v1"))))
        }
        var elsewhere: [(method: String, path: String, providers: [ProviderID])] = []
        for provider in providers where provider.name != bare {
            for route in provider.routes where !route.isPublic {
                let servedByBare = bareProvider.routes.contains {
                    $0.method == route.method && Self.shape($0.path) == Self.shape(route.path)
                }
                if servedByBare { continue }
                if let index = elsewhere.firstIndex(where: { $0.method == route.method && $0.path == route.path }) {
                    elsewhere[index].providers.append(provider.name)
                } else {
                    elsewhere.append((route.method, route.path, [provider.name]))
                }
            }
        }
        for entry in elsewhere { entries.append((entry.method, "/v1\(entry.path)", .elsewhere(entry.providers))) }
        for route in admin.routes { entries.append((route.method, "/__admin\(route.path)", .admin(route))) }
        self.init(entries, providers: providers)
    }

    /// The provider served under `/{id}`.
    func provider(_ id: ProviderID) -> any Provider { providers.first { $0.name == id }! }

    /// A path pattern with its parameter names dropped: `/videos/{}` for `/videos/{video_id}`.
    static func shape(_ path: String) -> String {
        path.split(separator: "/").map { $0.hasPrefix("{") ? "{}" : String($0) }.joined(separator: "/")
    }

    func match(method: HTTPMethod, path: Substring) -> Lookup {
        switch router.match(method: method, path: path) {
        case .found(let index, let parameters): .found(targets[index], parameters: parameters)
        case .methodNotAllowed(let allowed): .methodNotAllowed(allowed: allowed)
        case .notFound: .notFound
        }
    }

    /// Every route served, as (method, path pattern).
    var routes: [(method: String, path: String)] { router.routes.map { ($0.method.name, $0.pattern) } }
}
