import HTTPServer
import JSON
import Testing
import VideoMockCore

@testable import VideoMock

let fixtures: String = {
    var path = #filePath
    for _ in 0..<3 { path = String(path[..<path.lastIndex(of: "/")!]) }
    return path + "/Fixtures"
}()

@Suite("The OpenAPI document")
struct OpenAPITests {
    func application(provider: Configuration.Provider = .aihubmix) throws -> RequestPipeline {
        var configuration = Configuration()
        configuration.fixturesDirectory = fixtures
        configuration.bareProvider = provider
        return RequestPipeline(try Startup(configuration), configuration: configuration)
    }

    /// Every (method, path) the document describes.
    func documented() throws -> Set<String> {
        let response = try application().respond(to: HTTPRequest(method: "GET", target: "/__admin/openapi.json"))
        guard let bytes = response.body.bytes else { throw TestFailure("no body") }
        let document = try JSON.parse(bytes)
        #expect(document["openapi"] == "3.1.0")
        var routes = Set<String>()
        for (path, item) in try #require(document["paths"]?.object) {
            var operations = item.object ?? [:]
            if let reference = item["$ref"]?.string {
                let name = String(reference.split(separator: "/").last!)
                operations = try #require(document["components"]?["pathItems"]?[name]?.object, "missing \(reference)")
            }
            for (method, _) in operations where ["get", "post", "put", "delete", "patch"].contains(method) {
                routes.insert("\(method.uppercased()) \(path)")
            }
        }
        return routes
    }

    @Test("every route the router knows is in the document, and the document has no other")
    func routesMatch() throws {
        let served = Set(try application().routes.map { "\($0.method) \($0.path)" })
        let documented = try documented()
        #expect(served.subtracting(documented).sorted() == [], "served but not documented")
        #expect(documented.subtracting(served).sorted() == [], "documented but not served")
        #expect(served.count == 48)
    }

    @Test("the document's references all resolve")
    func references() throws {
        let response = try application().respond(to: HTTPRequest(method: "GET", target: "/__admin/openapi.json"))
        guard let bytes = response.body.bytes else { throw TestFailure("no body") }
        let document = try JSON.parse(bytes)
        var missing: [String] = []
        func visit(_ value: JSON) {
            switch value {
            case .object(let object):
                for (key, inner) in object {
                    if key == "$ref", let reference = inner.string {
                        var node: JSON? = document
                        for part in reference.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
                        if node == nil { missing.append(reference) }
                    } else {
                        visit(inner)
                    }
                }
            case .array(let items): items.forEach(visit)
            default: break
            }
        }
        visit(document)
        #expect(missing == [])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
