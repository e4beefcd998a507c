import JSON

/// Reads scenario files, refusing anything it does not understand with `FILE:LINE:COLUMN`.
package enum ScenarioLoader {
    package static func load(file: String) throws(DocumentError) -> Scenario {
        let text: String
        do { text = try readTextFile(file) } catch {
            throw DocumentError(file: file, line: 1, column: 1, message: "cannot read scenario: \(error)")
        }
        return try parse(text, source: file)
    }

    package static func parse(_ text: String, source: String) throws(DocumentError) -> Scenario {
        let document = try DocumentNode.parse(yaml: text, file: source)
        _ = try document.mapping(
            allowing: ["version", "seed", "defaults", "rules", "verdict"], "a scenario mapping with version, defaults and rules")
        guard let versionNode = document["version"] else { throw document.error("a scenario needs 'version: 1'") }
        guard try versionNode.int("the version number 1") == 1 else {
            throw versionNode.error("unsupported version; this VideoMock reads version 1")
        }
        var scenario = Scenario(source: source)
        if let defaults = document["defaults"] {
            _ = try defaults.mapping(allowing: ["queued", "rendering", "expires_after"])
            scenario.defaults = .init(
                queued: try defaults["queued"]?.duration(), rendering: try defaults["rendering"]?.duration(),
                expiresAfter: try defaults["expires_after"]?.duration())
        }
        for (index, node) in (try document["rules"]?.sequence("a list of rules") ?? []).enumerated() {
            scenario.rules.append(try rule(node, index: index))
        }
        if let verdict = document["verdict"] { scenario.verdict = try verdictChange(verdict) }
        if let seed = document["seed"] {
            guard let value = UInt64(try seed.string("a whole number from 0")) else {
                throw seed.error("seed must be a whole number from 0")
            }
            scenario.seed = value
        }
        return scenario
    }

    static func rule(_ node: DocumentNode, index: Int) throws(DocumentError) -> Rule {
        _ = try node.mapping(allowing: ["name", "when", "timeline", "outcome", "respond", "result", "quota"], "a rule mapping")
        var rule = Rule(name: try node["name"]?.string() ?? "rule \(index + 1)")
        if let when = node["when"] { rule.when = try condition(when) }
        if let timeline = node["timeline"] { rule.timeline = try steps(timeline) }
        if let outcome = node["outcome"] { rule.outcome = try self.outcome(outcome) }
        if let respond = node["respond"] { rule.respond = try reply(respond) }
        if let result = node["result"] {
            _ = try result.mapping(allowing: ["expires_after", "url", "bytes"])
            var options = ResultOptions(
                expiresAfter: try result["expires_after"]?.duration(), delivery: try result["url"]?.choice(of: ResultDelivery.self))
            if let bytes = result["bytes"] {
                guard let count = parseByteCount(try bytes.string()), count > 0 else {
                    throw bytes.error("expected a size such as 50MB, 256KiB or 1000000")
                }
                options.bytes = count
            }
            rule.result = options
        }
        if let quota = node["quota"] {
            _ = try quota.mapping(allowing: ["requests", "per"], "{ requests: 10, per: 1m }")
            guard let requests = quota["requests"], let per = quota["per"] else { throw quota.error("a quota needs requests and per") }
            let count = try requests.int("a whole number of requests")
            guard count >= 1 else { throw requests.error("requests must be 1 or more") }
            let seconds = try per.duration()
            guard seconds > 0 else { throw per.error("per must be longer than 0") }
            if rule.respond != nil { throw quota.keyError("give quota or respond, not both: a quota answers 429 itself") }
            rule.quota = Quota(requests: count, per: seconds)
        }
        if rule.timeline == nil, rule.outcome == nil, rule.respond == nil, rule.result == nil, rule.quota == nil {
            throw node.error("rule '\(rule.name)' does nothing: give it a timeline, outcome, respond, result or quota")
        }
        return rule
    }

    /// `verdict: { poll_interval: 5s, duplicate_window: 10m, retry_storm: 10, unbounded_polls: 100,
    /// unbounded_time: 10m, ignore: [never_downloaded] }`
    static func verdictChange(_ node: DocumentNode) throws(DocumentError) -> VerdictSettings.Change {
        let keys = ["poll_interval", "duplicate_window", "retry_storm", "unbounded_polls", "unbounded_time", "ignore"]
        _ = try node.mapping(allowing: keys, "a mapping of verdict settings")
        var change = VerdictSettings.Change()
        change.pollInterval = try node["poll_interval"]?.duration()
        change.duplicateWindow = try node["duplicate_window"]?.duration()
        change.unboundedSeconds = try node["unbounded_time"]?.duration()
        for (name, target) in [("retry_storm", \VerdictSettings.Change.retryStorm), ("unbounded_polls", \.unboundedPolls)] {
            guard let countNode = node[name] else { continue }
            let count = try countNode.int("a whole number from 1")
            guard count >= 1 else { throw countNode.error("\(name) must be 1 or more") }
            change[keyPath: target] = count
        }
        if let ignore = node["ignore"] {
            var codes: Set<FindingCode> = []
            for item in try ignore.sequence("a list of finding codes") {
                codes.insert(try item.choice(of: FindingCode.self, "finding code"))
            }
            change.ignored = codes
        }
        return change
    }

    static func condition(_ node: DocumentNode) throws(DocumentError) -> Condition {
        let keys = [
            "provider", "endpoint", "model", "prompt_contains", "prompt_matches", "api_key", "header", "body", "query", "nth", "every",
            "after", "times", "chance",
        ]
        _ = try node.mapping(allowing: keys, "a mapping of conditions")
        var condition = Condition()
        condition.provider = try node["provider"]?.choice(of: ProviderID.self, "provider")
        condition.endpoint = try node["endpoint"]?.choice(of: Endpoint.self, "endpoint")
        condition.model = try node["model"]?.string()
        condition.promptContains = try node["prompt_contains"]?.string()
        if let pattern = node["prompt_matches"] {
            let source = try pattern.string()
            do { condition.promptMatches = try PromptPattern(source) } catch {
                throw pattern.error("invalid regular expression '\(source)': \(error)")
            }
        }
        condition.apiKey = try node["api_key"]?.string()
        for (name, value) in try node["header"]?.mapping("a mapping of header name to value") ?? [] {
            condition.headers.append((name, try value.string()))
        }
        /// The count under `key`, if given: a whole number of at least `minimum`.
        func count(_ key: String, from minimum: Int, expected: String, below: String) throws(DocumentError) -> Int? {
            guard let value = node[key] else { return nil }
            let number = try value.int(expected)
            guard number >= minimum else { throw value.error(below) }
            return number
        }
        condition.nth = try count("nth", from: 1, expected: "a request number from 1", below: "nth counts from 1")
        condition.every = try count("every", from: 1, expected: "a whole number from 1", below: "every must be 1 or more")
        if condition.nth != nil, condition.every != nil { throw node.error("give nth or every, not both") }
        condition.after = try count("after", from: 0, expected: "a whole number from 0", below: "after must be 0 or more")
        condition.times = try count("times", from: 1, expected: "a whole number from 1", below: "times must be 1 or more")
        if let chance = node["chance"] {
            condition.chance = try chance.double("a fraction from 0 to 1, such as 0.1")
            guard (0...1).contains(condition.chance!) else { throw chance.error("chance must be from 0 to 1") }
        }
        condition.body = try fieldConditions(node["body"])
        condition.query = try fieldConditions(node["query"])
        return condition
    }

    /// `{ seconds: "8", metadata.aspect_ratio: "16:*", size: { present: false } }`
    static func fieldConditions(_ node: DocumentNode?) throws(DocumentError) -> [FieldCondition] {
        guard let node else { return [] }
        var conditions: [FieldCondition] = []
        for (path, value) in try node.mapping("a mapping of field path to value, glob or { present: true|false }") {
            guard let steps = FieldPath.parse(path) else {
                throw value.keyError("'\(path)' is not a field path such as seconds, metadata.aspect_ratio or metadata.content[0].type")
            }
            let expectation: FieldCondition.Expectation
            if case .mapping = value.value {
                _ = try value.mapping(allowing: ["present"], "{ present: true } or { present: false }")
                guard let present = value["present"] else { throw value.error("expected { present: true } or { present: false }") }
                expectation = .present(try present.bool())
            } else {
                expectation = .matches(try value.string("a value or a glob"))
            }
            conditions.append(FieldCondition(path: path, steps: steps, expectation: expectation))
        }
        return conditions
    }

    static func steps(_ node: DocumentNode) throws(DocumentError) -> [Timeline.Step] {
        let items = try node.sequence("a list of states")
        guard !items.isEmpty else { throw node.error("a timeline needs at least one state") }
        var steps: [Timeline.Step] = []
        for (index, item) in items.enumerated() {
            _ = try item.mapping(allowing: ["status", "seconds", "polls", "progress"], "a state such as { status: queued, seconds: 1 }")
            guard let statusNode = item["status"] else { throw item.error("each state needs a status") }
            let phase = try statusNode.choice(of: TaskPhase.self, "status")
            var step = Timeline.Step(phase: phase)
            step.seconds = try item["seconds"]?.duration()
            if let polls = item["polls"] {
                step.polls = try polls.int("a number of reads")
                guard step.polls! >= 0 else { throw polls.error("polls must be 0 or more") }
            }
            if let progress = item["progress"] {
                step.progress = try progress.int("a progress from 0 to 100")
                guard (0...100).contains(step.progress!) else { throw progress.error("progress must be from 0 to 100") }
            }
            if step.seconds != nil, step.polls != nil { throw item.error("hold a state for seconds or for polls, not both") }
            if index < items.count - 1, step.seconds == nil, step.polls == nil {
                throw item.error("every state but the last needs seconds or polls")
            }
            steps.append(step)
        }
        return steps
    }

    static func outcome(_ node: DocumentNode) throws(DocumentError) -> Outcome {
        if case .scalar(let text, _) = node.value {
            switch text {
            case "complete": return .complete
            case "fail": return .fail(code: "generation_failed", message: "Video generation failed")
            default: throw node.error("outcome must be complete, fail, or { fail: { code, message } }")
            }
        }
        _ = try node.mapping(allowing: ["complete", "fail"], "complete, or { fail: { code, message } }")
        guard let fail = node["fail"] else { return .complete }
        _ = try fail.mapping(allowing: ["code", "message"], "{ code, message }")
        return .fail(
            code: try fail["code"]?.string() ?? "generation_failed", message: try fail["message"]?.string() ?? "Video generation failed")
    }

    static func reply(_ node: DocumentNode) throws(DocumentError) -> Reply {
        _ = try node.mapping(
            allowing: ["status", "headers", "body", "delay", "fault", "throttle", "cut_after", "corrupt"], "a reply mapping")
        var reply = Reply()
        if let status = node["status"] {
            reply.status = try status.int("an HTTP status")
            guard (100...599).contains(reply.status!) else { throw status.error("an HTTP status is from 100 to 599") }
        }
        for (name, value) in try node["headers"]?.mapping("a mapping of header name to value") ?? [] {
            guard name.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }) else {
                throw value.error("'\(name)' is not a valid header name")
            }
            let text = try value.string()
            guard !text.contains("\r"), !text.contains("\n") else { throw value.error("header values cannot contain line breaks") }
            reply.headers.append((name, text))
        }
        reply.body = node["body"]?.json
        if let delay = node["delay"] { reply.delay = try delay.duration() }
        reply.fault = try node["fault"]?.choice(of: ReplyFault.self, "fault")
        if let throttle = node["throttle"] {
            let text = try throttle.string()
            guard text.hasSuffix("/s"), let rate = parseByteCount(String(text.dropLast(2))), rate >= 1 else {
                throw throttle.error("expected a rate such as 256KiB/s or 1MB/s")
            }
            reply.throttle = rate
        }
        if let cut = node["cut_after"] {
            let text = try cut.string()
            if text.hasSuffix("%"), let percent = Double(text.dropLast()), (0..<100).contains(percent) {
                reply.cut = .fraction(percent / 100)
            } else if let bytes = parseByteCount(text) {
                reply.cut = .bytes(bytes)
            } else {
                throw cut.error("expected a share such as 50% (under 100%) or a size such as 1MB")
            }
        }
        if let corrupt = node["corrupt"] { reply.corrupt = try corrupt.bool() }
        return reply
    }
}
