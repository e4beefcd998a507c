import AdminContract

/// One request a finding points at.
package struct Evidence: Sendable, Equatable {
    package var time: Double
    package var method: String
    /// Shares the request's target rather than copying it: evidence is made for many requests.
    package var path: Substring
    package var status: Int
    /// The request's number in the journal, when it kept it.
    package var journalID: Int?

    package var report: VerdictReport.Evidence {
        VerdictReport.Evidence(time: time, method: method, path: String(path), status: status, journalId: journalID)
    }
}

/// The requests that took part in something: the first and the latest few, and how many in all.
package struct EvidenceList: Sendable {
    package private(set) var kept: [Evidence] = []
    package private(set) var total = 0

    package init(_ evidence: [Evidence] = []) {
        kept = evidence
        total = evidence.count
    }

    /// Adds `evidence`, keeping the first request and the latest ones.
    mutating func keep(_ evidence: Evidence) {
        total += 1
        guard kept.count >= ClientObserver.keptEvidence else { return kept.append(evidence) }
        // Full: the second goes, the rest move down one, the new one takes the last place (in
        // place: the array keeps its count and room).
        kept.withUnsafeMutableBufferPointer { kept in
            let base = kept.baseAddress!
            (base + 1).deinitialize(count: 1)
            (base + 1).moveInitialize(from: base + 2, count: kept.count - 2)
            (base + kept.count - 1).initialize(to: evidence)
        }
    }

    var last: Evidence? { kept.last }
}

/// Something the client did that a well-behaved client does not.
package struct Finding: Sendable {
    package var code: FindingCode
    package var apiKey: String
    package var provider: ProviderID
    /// The task it is about, when there is one.
    package var task: String?
    package var message: String
    package var evidence: EvidenceList

    package var report: VerdictReport.Finding {
        VerdictReport.Finding(
            code: code.rawValue, severity: code.severity.rawValue, apiKey: apiKey, provider: provider.rawValue, task: task,
            message: message, evidence: evidence.kept.map(\.report), evidenceTotal: evidence.total)
    }
}

/// The judgement of a client: `fail` when any error was found, `warn` when any warning, else `pass`.
package struct Verdict: Sendable {
    /// The findings with their evidence (at most a thousand a key, and a thousand of the keys
    /// reset since the last full reset, are kept).
    package var findings: [Finding]
    /// How many findings of each code there were, exactly.
    package var counts: [FindingCode: Int]
    package var tasks: Int
    package var requests: Int
    /// The codes the judge applied (every code but those left out).
    package var judged: [FindingCode] = FindingCode.allCases

    package var outcome: String {
        let worst = counts.keys.map(\.severity).max()
        switch worst {
        case .error?: return "fail"
        case .warning?: return "warn"
        default: return "pass"
        }
    }

    package var report: VerdictReport {
        VerdictReport(
            verdict: outcome, findings: findings.map(\.report),
            counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }), tasks: tasks, requests: requests,
            judged: judged.map(\.rawValue))
    }
}
