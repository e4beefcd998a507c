import HTTPServer
import JSON
import Testing
import VideoMockCore

@testable import Providers

let fixtures = URLPath.up(from: #filePath, 3) + "/Fixtures"

enum URLPath {
    static func up(from path: String, _ levels: Int) -> String {
        var path = path
        for _ in 0..<levels { path = String(path[..<path.lastIndex(of: "/")!]) }
        return path
    }
}

/// An engine on the shipped fixtures (plus `extraCatalogs`), on a manual clock.
func makeEngine(extraCatalogs: [String] = []) throws -> Engine {
    let files = ProviderID.allCases.map { "\(fixtures)/catalog/\($0.rawValue).yaml" } + extraCatalogs
    return Engine(
        clock: Clock(mode: .manual), catalogs: try CatalogSet.load(files: files), media: try MediaLibrary(fixturesDirectory: fixtures),
        ids: IDGenerator(seed: 7), journal: Journal(capacity: 10))
}

extension Provider {
    /// Calls the route for `method` and `pattern` as the router would, with `parameters` from the path.
    func call(
        _ method: String, _ pattern: String, parameters: [String: String] = [:], query: String = "", body: JSON? = nil, key: String = "k"
    ) throws -> HTTPResponse {
        let route = try #require(routes.first { $0.method == method && $0.path == pattern }, "no route \(method) \(pattern)")
        var http = HTTPRequest(
            method: HTTPMethod(method), target: "/\(name.rawValue)/v1\(pattern)\(query)",
            headers: ["Host": "mock.test", "Content-Type": "application/json"],
            body: body?.bytes ?? [])
        for (name, value) in parameters.sorted(by: { $0.key < $1.key }) { http.pathParameters.append(name, value) }
        // Kept past the next call, which writes the reply buffer again.
        return route.handler(ProviderRequest(http: http, apiKey: key, basePath: "/\(name.rawValue)/v1")).response.kept
    }
}

extension HTTPResponse {
    var json: JSON {
        guard let bytes = body.bytes, let value = try? JSON.parse(bytes) else { return .null }
        return value
    }
}
