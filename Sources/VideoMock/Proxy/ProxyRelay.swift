import HTTPServer
import Media
import Upstream

/// A reply relayed from the upstream gateway. Documents (JSON, text) are held whole, decoded
/// when compressed, their links to the upstream rewritten to pass through VideoMock, and sent
/// with their length; anything else (videos, images) streams through as it arrives, the
/// upstream read paused while the client lags. What was relayed is reported at the end.
final class ProxyRelay: ReplyRelay, UpstreamDelegate, @unchecked Sendable {
    // Confined to one thread: the pipeline makes it on the connection's loop thread, the
    // connection starts it there, and libevent calls the exchange back on that loop only.

    /// What was relayed, for the journal, the verdict and the recording.
    struct Relayed {
        var status: Int
        var headers: HTTPHeaders
        /// A document's body as the upstream sent it, decoded.
        var document: [UInt8]?
        /// Anything streamed: its size, SHA-256 and, for an MP4, what it holds.
        var streamed: (size: Int, sha256: String, movie: MovieFacts?)?
        /// The exchange failed: the reply is VideoMock's own 502, or was cut off.
        var failure: UpstreamFailure?
    }

    /// Documents larger than this stream through as they are.
    static let documentLimit = 8 << 20

    private let upstream: UpstreamURL
    private let tls: TLSContext?
    private let request: UpstreamExchange.Request
    /// Upstream URL prefixes and what replaces them in documents.
    private let rewrites: [(from: String, to: String)]
    private let refusal: (UpstreamFailure) -> HTTPResponse
    private let finished: (Relayed) -> Void
    private var exchange: UpstreamExchange?
    private var sink: (any RelaySink)?
    private var relayed: Relayed?
    private var document: [UInt8]?
    private var digest: SHA256Digest?
    private var sniffer: MovieSniffer?
    private var streamedBytes = 0
    /// The content coding a document still has after decoding (one VideoMock does not decode).
    private var relayedCoding: String?

    init(
        upstream: UpstreamURL, tls: TLSContext?, request: UpstreamExchange.Request, rewrites: [(from: String, to: String)],
        refusal: @escaping (UpstreamFailure) -> HTTPResponse, finished: @escaping (Relayed) -> Void
    ) {
        self.upstream = upstream
        self.tls = tls
        self.request = request
        self.rewrites = rewrites
        self.refusal = refusal
        self.finished = finished
    }

    func start(base: OpaquePointer, sink: any RelaySink) {
        self.sink = sink
        let exchange = UpstreamExchange(url: upstream, tls: tls, request: request, delegate: self)
        self.exchange = exchange
        exchange.start(base: base)
    }

    func pause() { exchange?.pause() }
    func resume() { exchange?.resume() }

    func cancel() {
        exchange?.cancel()
        exchange = nil
        sink = nil
        if var relayed {
            self.relayed = nil
            relayed.failure = UpstreamFailure(kind: .protocolError, reason: "the client went away")
            finished(relayed)
        }
    }

    // MARK: The upstream's reply

    func upstreamHead(_ head: ResponseHead, length: Int?) {
        let type = head.headers["Content-Type"]?.lowercased() ?? ""
        let isDocument = type.isEmpty || type.contains("json") || type.hasPrefix("text/") || type.contains("xml")
        relayed = Relayed(status: head.status, headers: head.endToEndHeaders)
        // A HEAD reply has no body: its head goes as it came.
        if isDocument, request.method != "HEAD", (length ?? 0) <= Self.documentLimit {
            document = []
            document?.reserveCapacity(length ?? 1024)
            return
        }
        digest = SHA256Digest()
        if type.hasPrefix("video/") || type == "application/octet-stream" { sniffer = MovieSniffer() }
        sink?.relayHead(status: head.status, headers: head.endToEndHeaders, length: length)
    }

    func upstreamBody(_ bytes: UnsafeRawBufferPointer) {
        if document != nil {
            document?.append(contentsOf: bytes)
            if document!.count > Self.documentLimit * 8 {
                exchange?.cancel()
                upstreamEnd(UpstreamFailure(kind: .protocolError, reason: "a document over \(Self.documentLimit * 8) bytes"))
            }
            return
        }
        streamedBytes += bytes.count
        digest?.update(bytes)
        sniffer?.feed(bytes)
        sink?.relayBody(bytes)
    }

    func upstreamEnd(_ failure: UpstreamFailure?) {
        exchange = nil
        let relayed = self.relayed
        self.relayed = nil
        // Nothing reached the client yet (no reply, or a document cut short): VideoMock answers
        // for the upstream, in the provider's envelope.
        guard var relayed, failure == nil || document == nil else {
            let failure = failure ?? UpstreamFailure(kind: .protocolError, reason: "no reply")
            let response = refusal(failure)
            if let body = response.body.bytes {
                sink?.relayHead(status: response.status, headers: response.headers, length: body.count)
                body.withUnsafeBytes { sink?.relayBody($0) }
            }
            sink?.relayEnd(complete: true)
            sink = nil
            return finished(Relayed(status: response.status, headers: response.headers, failure: failure))
        }
        relayed.failure = failure
        if let body = document {
            var decoded = body
            if let coding = relayed.headers["Content-Encoding"]?.lowercased(), coding == "gzip" || coding == "deflate",
                let plain = gunzip(body)
            {
                decoded = plain
                relayed.headers.remove("Content-Encoding")
            }
            relayed.document = decoded
            relayedCoding = relayed.headers["Content-Encoding"]
            let sent = rewritten(decoded)
            sink?.relayHead(status: relayed.status, headers: relayed.headers, length: sent.count)
            sent.withUnsafeBytes { sink?.relayBody($0) }
        } else if let digest = digest.take() {
            relayed.streamed = (streamedBytes, digest.finish(), sniffer?.facts)
        }
        sink?.relayEnd(complete: failure == nil)
        sink = nil
        finished(relayed)
    }

    /// The document with the upstream's own URLs pointing through VideoMock (plain and with
    /// JSON's escaped slashes).
    private func rewritten(_ body: [UInt8]) -> [UInt8] {
        // Still compressed (a coding VideoMock does not decode), or not text: left as it came.
        guard !rewrites.isEmpty, relayedCoding == nil, var text = String(validating: body, as: UTF8.self) else { return body }
        for rewrite in rewrites {
            text = text.replacing(rewrite.from, with: rewrite.to)
            text = text.replacing(rewrite.from.replacing("/", with: "\\/"), with: rewrite.to.replacing("/", with: "\\/"))
        }
        return Array(text.utf8)
    }
}
