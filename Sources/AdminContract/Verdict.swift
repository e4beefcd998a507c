/// `GET /verdict`: the judgement of a client (see the README for each code).
public struct VerdictReport: Codable, Sendable {
    /// Something the client did that a well-behaved client does not.
    public struct Finding: Codable, Sendable {
        public let code: String
        /// `error`, `warning` or `info`.
        public let severity: String
        public let apiKey: String
        public let provider: String
        public let task: String?
        public let message: String
        /// The first request that took part and the latest ones...
        public let evidence: [Evidence]
        /// ...of this many.
        public let evidenceTotal: Int

        public init(
            code: String, severity: String, apiKey: String, provider: String, task: String?, message: String, evidence: [Evidence],
            evidenceTotal: Int
        ) {
            (self.code, self.severity, self.apiKey, self.provider, self.task) = (code, severity, apiKey, provider, task)
            (self.message, self.evidence, self.evidenceTotal) = (message, evidence, evidenceTotal)
        }

        enum CodingKeys: String, CodingKey {
            case code, severity, apiKey = "api_key", provider, task, message, evidence, evidenceTotal = "evidence_total"
        }
    }

    /// One request a finding points at.
    public struct Evidence: Codable, Sendable, Equatable {
        public let time: Double
        public let method: String
        public let path: String
        public let status: Int
        /// The request's number in the journal, when it kept it.
        public let journalId: Int?

        public init(time: Double, method: String, path: String, status: Int, journalId: Int?) {
            (self.time, self.method, self.path, self.status, self.journalId) = (time, method, path, status, journalId)
        }

        enum CodingKeys: String, CodingKey {
            case time, method, path, status, journalId = "journal_id"
        }
    }

    /// `pass`, `warn` or `fail`.
    public let verdict: String
    public let findings: [Finding]
    /// How many findings of each code there were, exactly.
    public let counts: [String: Int]
    public let tasks: Int
    public let requests: Int
    /// The codes the judge applied: all but those left out.
    public let judged: [String]

    public init(verdict: String, findings: [Finding], counts: [String: Int], tasks: Int, requests: Int, judged: [String]) {
        (self.verdict, self.findings, self.counts, self.tasks, self.requests, self.judged) = (
            verdict, findings, counts, tasks, requests, judged
        )
    }

    /// The codes found, each once, sorted.
    public var codes: [String] { Set(findings.map(\.code)).sorted() }
}
