/// `GET /recording`: what `--record` has written. Without it, `active` is false and the other
/// fields are empty (on the wire: `{"active": false}` alone).
public struct RecordingSummary: Codable, Sendable {
    public let active: Bool
    public let file: String
    public let exchanges: Int
    public let bytes: Int
    public let byProvider: [String: Int]
    /// Tasks seen in the recorded exchanges.
    public let tasks: Int
    /// Why the last write failed, if one did.
    public let error: String?

    public static let inactive = RecordingSummary(active: false, file: "", exchanges: 0, bytes: 0, byProvider: [:], tasks: 0, error: nil)

    public init(file: String, exchanges: Int, bytes: Int, byProvider: [String: Int], tasks: Int, error: String?) {
        self.init(active: true, file: file, exchanges: exchanges, bytes: bytes, byProvider: byProvider, tasks: tasks, error: error)
    }

    private init(active: Bool, file: String, exchanges: Int, bytes: Int, byProvider: [String: Int], tasks: Int, error: String?) {
        (self.active, self.file, self.exchanges, self.bytes, self.byProvider, self.tasks, self.error) =
            (active, file, exchanges, bytes, byProvider, tasks, error)
    }

    enum CodingKeys: String, CodingKey {
        case active, file, exchanges, bytes, byProvider = "by_provider", tasks, error
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard try container.decodeIfPresent(Bool.self, forKey: .active) ?? true else {
            self = .inactive
            return
        }
        self.init(
            file: try container.decode(String.self, forKey: .file), exchanges: try container.decode(Int.self, forKey: .exchanges),
            bytes: try container.decode(Int.self, forKey: .bytes),
            byProvider: try container.decode([String: Int].self, forKey: .byProvider),
            tasks: try container.decode(Int.self, forKey: .tasks), error: try container.decodeIfPresent(String.self, forKey: .error))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        guard active else { return try container.encode(false, forKey: .active) }
        try container.encode(file, forKey: .file)
        try container.encode(exchanges, forKey: .exchanges)
        try container.encode(bytes, forKey: .bytes)
        try container.encode(byProvider, forKey: .byProvider)
        try container.encode(tasks, forKey: .tasks)
        try container.encodeIfPresent(error, forKey: .error)
    }
}

/// `GET /replay`: how `--replay` has matched. Without it, `active` is false and the other fields
/// are empty (on the wire: `{"active": false}` alone).
public struct ReplaySummary: Codable, Sendable {
    /// A create no recording matched.
    public struct Miss: Codable, Sendable, Equatable {
        public let provider: String
        public let endpoint: String
        public let model: String?

        public init(provider: String, endpoint: String, model: String?) {
            (self.provider, self.endpoint, self.model) = (provider, endpoint, model)
        }
    }

    /// A task living a recorded life.
    public struct Task: Codable, Sendable, Equatable {
        public let id: String
        public let recordedId: String
        public let reads: Int
        public let recordedReads: Int
        /// Where the video differs from the recording (a size without frames, a rounded frame rate).
        public let notes: [String]

        public init(id: String, recordedId: String, reads: Int, recordedReads: Int, notes: [String]) {
            (self.id, self.recordedId, self.reads, self.recordedReads, self.notes) = (id, recordedId, reads, recordedReads, notes)
        }

        enum CodingKeys: String, CodingKey {
            case id, recordedId = "recorded_id", reads, recordedReads = "recorded_reads", notes
        }
    }

    public let active: Bool
    public let file: String
    /// `time` or `polls`.
    public let by: String
    public let recordedCreates: Int
    public let lifecycles: Int
    public let matched: Int
    public let refusedAsRecorded: Int
    public let missed: Int
    /// The latest misses.
    public let misses: [Miss]
    public let tasks: [Task]

    public static let inactive = ReplaySummary(
        active: false, file: "", by: "", recordedCreates: 0, lifecycles: 0, matched: 0, refusedAsRecorded: 0, missed: 0, misses: [],
        tasks: [])

    public init(
        file: String, by: String, recordedCreates: Int, lifecycles: Int, matched: Int, refusedAsRecorded: Int, missed: Int, misses: [Miss],
        tasks: [Task]
    ) {
        self.init(
            active: true, file: file, by: by, recordedCreates: recordedCreates, lifecycles: lifecycles, matched: matched,
            refusedAsRecorded: refusedAsRecorded, missed: missed, misses: misses, tasks: tasks)
    }

    private init(
        active: Bool, file: String, by: String, recordedCreates: Int, lifecycles: Int, matched: Int, refusedAsRecorded: Int, missed: Int,
        misses: [Miss], tasks: [Task]
    ) {
        (self.active, self.file, self.by, self.recordedCreates, self.lifecycles) = (active, file, by, recordedCreates, lifecycles)
        (self.matched, self.refusedAsRecorded, self.missed, self.misses, self.tasks) = (matched, refusedAsRecorded, missed, misses, tasks)
    }

    enum CodingKeys: String, CodingKey {
        case active, file, by, recordedCreates = "recorded_creates", lifecycles, matched, refusedAsRecorded = "refused_as_recorded"
        case missed, misses, tasks
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard try container.decodeIfPresent(Bool.self, forKey: .active) ?? true else {
            self = .inactive
            return
        }
        self.init(
            file: try container.decode(String.self, forKey: .file), by: try container.decode(String.self, forKey: .by),
            recordedCreates: try container.decode(Int.self, forKey: .recordedCreates),
            lifecycles: try container.decode(Int.self, forKey: .lifecycles), matched: try container.decode(Int.self, forKey: .matched),
            refusedAsRecorded: try container.decode(Int.self, forKey: .refusedAsRecorded),
            missed: try container.decode(Int.self, forKey: .missed), misses: try container.decode([Miss].self, forKey: .misses),
            tasks: try container.decode([Task].self, forKey: .tasks))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        guard active else { return try container.encode(false, forKey: .active) }
        try container.encode(file, forKey: .file)
        try container.encode(by, forKey: .by)
        try container.encode(recordedCreates, forKey: .recordedCreates)
        try container.encode(lifecycles, forKey: .lifecycles)
        try container.encode(matched, forKey: .matched)
        try container.encode(refusedAsRecorded, forKey: .refusedAsRecorded)
        try container.encode(missed, forKey: .missed)
        try container.encode(misses, forKey: .misses)
        try container.encode(tasks, forKey: .tasks)
    }
}
