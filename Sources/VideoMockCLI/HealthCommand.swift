import ArgumentParser
import Glibc
import JSON

/// `videomock health`: exits 0 when a server answers its health check, 1 otherwise. The
/// container image's HEALTHCHECK runs it, since the image has no shell or curl.
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check that a running VideoMock is healthy: exit 0 if it is, 1 if not.")

    @Option(help: "The server (default: $VIDEOMOCK_URL, else http://127.0.0.1:8080).")
    var url: String?

    @Option(name: .customLong("admin-token"), help: "The server's --admin-token, if it has one (default: $VIDEOMOCK_ADMIN_TOKEN).")
    var adminToken: String?

    func run() throws {
        let base = url ?? getenv("VIDEOMOCK_URL").map { String(cString: $0) } ?? "http://127.0.0.1:8080"
        do {
            let answer = try HTTPGet.fetch(base + "/__admin/health", token: adminToken ?? environmentAdminToken)
            guard answer.status == 200, let health = try? JSON.parse(answer.body), health["status"] == "ok" else {
                printError("\(base) is not healthy: it answered \(answer.status)")
                throw ExitCode(1)
            }
            print("healthy: VideoMock \(health["version"]?.string ?? "?") at \(base)")
        } catch let failure as HTTPGet.Failure {
            printError("\(base) is not healthy: \(failure)")
            throw ExitCode(1)
        }
    }
}
