import Synchronization

/// Every task, shared by all event loops. Each call holds the lock briefly and does no I/O.
public final class TaskStore: Sendable {
    private struct State {
        var tasks: [String: TaskRecord] = [:]
        /// Ids in creation order for each provider and owner, for listing.
        var byOwner: [String: [String]] = [:]
        var sequence = 0
    }

    private let state = Mutex(State())

    public init() {}

    private static func ownerKey(_ provider: String, _ owner: String) -> String { provider + "\u{0}" + owner }

    /// Stores a new task built by `make` with the next sequence number; nil when the id is taken.
    public func insert(id: String, _ make: (_ sequence: Int) -> TaskRecord) -> TaskRecord? {
        state.withLock { state in
            guard state.tasks[id] == nil else { return nil }
            state.sequence += 1
            let record = make(state.sequence)
            state.tasks[id] = record
            state.byOwner[TaskStore.ownerKey(record.provider, record.owner), default: []].append(id)
            return record
        }
    }

    /// Runs `body` on the task if it exists, belongs to `owner` at `provider` (nil: anyone's) and is not deleted.
    public func update<Result>(id: String, provider: String?, owner: String?, _ body: (inout TaskRecord) -> Result) -> Result? {
        state.withLock { state in
            guard let index = state.tasks.index(forKey: id) else { return nil }
            let identity = state.tasks.values[index].identity
            guard state.tasks.values[index].deletedAt == nil,
                provider == nil || identity.provider == provider, owner == nil || identity.owner == owner
            else { return nil }
            return body(&state.tasks.values[index])
        }
    }

    /// A provider owner's tasks in creation order (`ascending`) or newest first, starting after
    /// the task `after`, at most `limit`; and whether more follow.
    public func list(
        provider: String, owner: String, after: String?, limit: Int, ascending: Bool, _ observe: (inout TaskRecord) -> TaskSnapshot
    ) -> (tasks: [TaskSnapshot], hasMore: Bool)? {
        state.withLock { state in
            let ids = state.byOwner[TaskStore.ownerKey(provider, owner)] ?? []
            let ordered: [String] = ascending ? ids : ids.reversed()
            var start = 0
            if let after {
                guard let index = ordered.firstIndex(of: after) else { return nil }
                start = index + 1
            }
            var page: [TaskSnapshot] = []
            var index = start
            while index < ordered.count, page.count <= limit {
                let id = ordered[index]
                index += 1
                guard let position = state.tasks.index(forKey: id), state.tasks.values[position].deletedAt == nil else { continue }
                if page.count == limit { return (page, true) }
                page.append(observe(&state.tasks.values[position]))
            }
            return (page, false)
        }
    }

    /// Every task of `owner` (nil: everyone's) in creation order, observed by `observe`.
    public func all(owner: String?, _ observe: (inout TaskRecord) -> TaskSnapshot) -> [TaskSnapshot] {
        state.withLock { state in
            state.tasks.values.filter { owner == nil || $0.owner == owner }.sorted { $0.sequence < $1.sequence }.map { record in
                var copy = record
                let snapshot = observe(&copy)
                state.tasks[record.id] = copy
                return snapshot
            }
        }
    }

    /// Forgets the tasks of one owner, or (nil) every task.
    public func removeAll(owner: String? = nil) {
        state.withLock { state in
            guard let owner else {
                state = State()
                return
            }
            state.tasks = state.tasks.filter { $0.value.owner != owner }
            state.byOwner = state.byOwner.filter { !$0.key.hasSuffix("\u{0}" + owner) }
        }
    }

    public var count: Int { state.withLock { $0.tasks.count } }
}
