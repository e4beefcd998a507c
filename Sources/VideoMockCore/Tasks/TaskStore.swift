import Locking

/// Every task, shared by all event loops. Each call holds the lock briefly and does no I/O.
///
/// Records sit in one array (a task's slot never changes while it lives); an index maps ids to
/// slots, and each provider-and-key keeps its slots in creation order for listing. This keeps a
/// task's bookkeeping to a few bytes and makes list cursors a binary search. The slots of a key
/// that is reset are taken again by later tasks, so a server shared by a long suite, each test
/// with a key of its own, holds only the tasks that live.
package final class TaskStore: Sendable {
    private struct State {
        var records: [TaskRecord?]
        /// Slots whose tasks were forgotten, to be taken before the array grows.
        var free: [Int32] = []
        /// The last creation number given.
        var sequence = 0
        /// Slot by a 64-bit hash of the id: compact buckets compared without following a pointer
        /// to the id's text. A lookup confirms the record's id; two ids with one hash are refused
        /// like a taken id (creation then draws another).
        var slots: [Int: Int32]
        /// Slots in creation order for each provider and owner.
        var byOwner: [OwnerKey: [Int32]] = [:]

        /// Sized for a busy test run up front, so that the store does not copy itself while
        /// holding the lock each time it doubles. The records are appended in order, so their
        /// reserved space is touched (and counted) only as tasks arrive; the index is hashed all
        /// over, so it starts smaller and grows as needed.
        init() {
            records = []
            records.reserveCapacity(1 << 19)
            slots = Dictionary(minimumCapacity: 1 << 18)
        }

        /// The slot of a task that exists and is not deleted, and belongs to the given provider
        /// and owner (nil: any).
        func live(_ id: String, provider: ProviderID?, owner: String?) -> Int? {
            guard let slot = slots[TaskStore.key(id)].map(Int.init), let record = records[slot], record.deletedAt == nil else { return nil }
            let identity = record.identity
            guard identity.id == id else { return nil }
            guard provider == nil || identity.provider == provider, owner == nil || identity.owner == owner else { return nil }
            return slot
        }
    }

    private let state = Locked(State())

    package init() {}

    private struct OwnerKey: Hashable {
        let provider: ProviderID
        let owner: String
    }

    private static func ownerKey(_ provider: ProviderID, _ owner: String) -> OwnerKey { OwnerKey(provider: provider, owner: owner) }

    /// An id's key in the index.
    private static func key(_ id: String) -> Int {
        var hasher = Hasher()
        hasher.combine(id)
        return hasher.finalize()
    }

    /// Stores a new task built by `make` with the next sequence number; nil when the id is taken.
    package func insert(id: String, _ make: (_ sequence: Int) -> TaskRecord) -> TaskRecord? {
        let key = TaskStore.key(id)
        return state.withLock { state in
            guard state.slots[key] == nil else { return nil }
            state.sequence += 1
            let record = make(state.sequence)
            let slot: Int32
            if let reused = state.free.popLast() {
                slot = reused
                state.records[Int(slot)] = record
            } else {
                slot = Int32(state.records.count)
                state.records.append(record)
            }
            state.slots[key] = slot
            state.byOwner[TaskStore.ownerKey(record.provider, record.owner), default: []].append(slot)
            return record
        }
    }

    /// Runs `body` on the task if it exists, belongs to `owner` at `provider` (nil: anyone's) and is not deleted.
    package func update<Result>(id: String, provider: ProviderID?, owner: String?, _ body: (inout TaskRecord) -> Result) -> Result? {
        state.withLock { state in
            guard let slot = state.live(id, provider: provider, owner: owner) else { return nil }
            return body(&state.records[slot]!)
        }
    }

    /// A provider owner's tasks in creation order (`ascending`) or newest first, starting after
    /// the task `after`, at most `limit`; and whether more follow. Nil when `after` is not theirs.
    package func list(
        provider: ProviderID, owner: String, after: String?, limit: Int, ascending: Bool, _ observe: (inout TaskRecord) -> TaskSnapshot
    ) -> (tasks: [TaskSnapshot], hasMore: Bool)? {
        state.withLock { state in
            let slots = state.byOwner[TaskStore.ownerKey(provider, owner)] ?? []
            // Positions in `slots`, walked forwards or backwards.
            var position = ascending ? 0 : slots.count - 1
            let step = ascending ? 1 : -1
            if let after {
                guard let afterSlot = state.slots[TaskStore.key(after)], let afterRecord = state.records[Int(afterSlot)],
                    afterRecord.id == after, let found = TaskStore.position(of: afterRecord.sequence, in: slots, records: state.records)
                else { return nil }
                position = found + step
            }
            var page: [TaskSnapshot] = []
            while position >= 0, position < slots.count {
                let slot = Int(slots[position])
                position += step
                guard state.records[slot]?.deletedAt == nil else { continue }
                if page.count == limit { return (page, true) }
                page.append(observe(&state.records[slot]!))
            }
            return (page, false)
        }
    }

    /// Where the task created `sequence`th is in a list of slots in creation order.
    private static func position(of sequence: Int, in slots: [Int32], records: [TaskRecord?]) -> Int? {
        var low = 0, high = slots.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let found = records[Int(slots[middle])]!.sequence
            if found == sequence { return middle }
            if found < sequence { low = middle + 1 } else { high = middle - 1 }
        }
        return nil
    }

    /// Every live task of `owner` (nil: everyone's) in creation order, observed by `observe`.
    package func all(owner: String?, _ observe: (inout TaskRecord) -> TaskSnapshot) -> [TaskSnapshot] {
        state.withLock { state in
            var slots: [Int32] = []
            for (key, owned) in state.byOwner where owner == nil || key.owner == owner { slots += owned }
            slots.sort { state.records[Int($0)]!.sequence < state.records[Int($1)]!.sequence }
            return slots.compactMap { slot in
                state.records[Int(slot)]!.deletedAt == nil ? observe(&state.records[Int(slot)]!) : nil
            }
        }
    }

    /// Forgets the tasks of one owner, or (nil) every task.
    package func removeAll(owner: String? = nil) {
        state.withLock { state in
            guard let owner else {
                state = State()
                return
            }
            for (key, slots) in state.byOwner where key.owner == owner {
                for slot in slots {
                    state.slots[TaskStore.key(state.records[Int(slot)]!.id)] = nil
                    state.records[Int(slot)] = nil
                }
                state.free += slots
                state.byOwner[key] = nil
            }
        }
    }

    /// How many live tasks `owner` (nil: everyone) has.
    package func count(owner: String?) -> Int {
        state.withLock { state in
            state.byOwner.reduce(0) { total, entry in
                guard owner == nil || entry.key.owner == owner else { return total }
                return total + entry.value.reduce(0) { $0 + (state.records[Int($1)]!.deletedAt == nil ? 1 : 0) }
            }
        }
    }

    package var count: Int { count(owner: nil) }
}
