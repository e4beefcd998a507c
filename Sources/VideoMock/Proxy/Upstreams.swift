import Locking
import Recording
import Upstream
import VideoMockCore

/// The real gateways VideoMock forwards to (`--upstream`), by provider, and where it records.
struct Upstreams: Sendable {
    struct Target: Sendable {
        let provider: ProviderID
        let url: UpstreamURL
        /// Sent as `Authorization: Bearer KEY` instead of the client's.
        let key: String?
    }

    private let targets: [ProviderID: Target]
    /// Who serves the bare `/v1` paths.
    private let bare: ProviderID
    let tls: TLSContext?
    let recorder: Recorder?
    /// A number for each gateway task seen, by which the verdict tells tasks apart (the store
    /// numbers its own from 0 up; these go down from -1).
    private let taskNumbers = Locked<[String: Int]>([:])

    /// nil when nothing is proxied.
    init?(_ configuration: Configuration) throws(StartupError) {
        guard !configuration.upstreams.isEmpty else { return nil }
        var targets: [ProviderID: Target] = [:]
        for (provider, text) in configuration.upstreams {
            guard let url = UpstreamURL(text) else {
                throw StartupError(description: "--upstream \(provider.rawValue)=\(text) is not an http(s)://HOST[:PORT][/PATH] URL")
            }
            targets[provider.id] = Target(provider: provider.id, url: url, key: configuration.upstreamKeys[provider])
        }
        self.targets = targets
        bare = configuration.bareProvider.id
        do {
            let needsTLS = targets.values.contains { $0.url.isTLS } || configuration.upstreamCAFile != nil
            tls = needsTLS ? try TLSContext(caFile: configuration.upstreamCAFile) : nil
            recorder = try configuration.recordFile.map { path throws(RecordingError) in try Recorder(path: path) }
        } catch let error as UpstreamFailure {
            throw StartupError(description: "--upstream-ca: \(error.reason)")
        } catch {
            throw StartupError(description: "--record: \(error)")
        }
    }

    func number(ofTask id: String) -> Int {
        taskNumbers.withLock { numbers in
            if let number = numbers[id] { return number }
            let number = -1 - numbers.count
            numbers[id] = number
            return number
        }
    }

    /// The upstream a path goes to, and the path as the upstream knows it: `/aihubmix/v1/videos`
    /// is `/v1/videos` there; a bare `/v1/...` path goes to the bare provider's upstream.
    func target(for path: Substring) -> (target: Target, path: Substring)? {
        for target in targets.values {
            let prefix = "/" + target.provider.rawValue
            if path.hasPrefix(prefix + "/") { return (target, path.dropFirst(prefix.count)) }
        }
        if path.hasPrefix("/v1/"), let target = targets[bare] { return (target, path) }
        return nil
    }
}
