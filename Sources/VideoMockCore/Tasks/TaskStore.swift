import Glibc
import Locking

/// Every task, shared by all event loops. Each call holds the lock briefly and does no I/O.
///
/// Records sit in one array (a task's slot never changes while it lives), and each task's id
/// carries its slot (`SlotCode`), so a lookup is an index and a comparison of ids; each
/// provider-and-key keeps its slots in creation order for listing. This keeps a task's
/// bookkeeping to a few bytes and makes list cursors a binary search. The slots of a key
/// that is reset are taken again by later tasks, so a server shared by a long suite, each test
/// with a key of its own, holds only the tasks that live.
package final class TaskStore: Sendable {
    private struct State {
        var records: [TaskRecord?]
        /// Slots whose tasks were forgotten, to be taken before the array grows.
        var free: [Int32] = []
        /// The last creation number given.
        var sequence = 0
        /// Slots in creation order for each provider and owner.
        var byOwner: [OwnerKey: [Int32]] = [:]

        /// Sized for a busy test run up front, so that the store does not copy itself while
        /// holding the lock each time it doubles. The records are appended in order, so their
        /// reserved space is touched (and counted) only as tasks arrive.
        init() {
            records = []
            records.reserveCapacity(1 << 19)
        }

        /// The slot of the task `id` names, deleted or not: the slot its id carries, if the
        /// task there has that id.
        func slot(of id: Substring) -> Int? {
            guard let slot = SlotCode(id: id)?.slot, slot < records.count, let record = records[slot],
                TaskStore.same(record.identity.id, id)
            else { return nil }
            return slot
        }

        /// The slot of a task that exists and is not deleted, and belongs to the given provider
        /// and owner (nil: any).
        func live(_ id: Substring, provider: ProviderID?, owner: String?) -> Int? {
            guard let slot = slot(of: id), let record = records[slot], record.deletedAt == nil else { return nil }
            let identity = record.identity
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

    /// Whether a kept id and one a request names are the same bytes (compared as bytes: the
    /// generic comparison of a string and a slice would go by Unicode).
    static func same(_ kept: String, _ named: Substring) -> Bool {
        var kept = kept, named = named
        return kept.withUTF8 { a in
            named.withUTF8 { b in a.count == b.count && (a.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0) }
        }
    }

    private static func ownerKey(_ provider: ProviderID, _ owner: String) -> OwnerKey { OwnerKey(provider: provider, owner: owner) }

    /// Stores a new task built by `make` for a free slot (its id must carry that slot) with the
    /// next sequence number.
    package func insert(_ make: (_ slot: Int, _ sequence: Int) -> TaskRecord) -> TaskRecord {
        state.withLock { state in
            state.sequence += 1
            let slot = state.free.popLast() ?? Int32(state.records.count)
            let record = make(Int(slot), state.sequence)
            if Int(slot) < state.records.count {
                state.records[Int(slot)] = record
            } else {
                state.records.append(record)
            }
            state.byOwner[TaskStore.ownerKey(record.provider, record.owner), default: []].append(slot)
            return record
        }
    }

    /// Runs `body` on the task if it exists, belongs to `owner` at `provider` (nil: anyone's) and is not deleted.
    package func update<Result>(id: Substring, provider: ProviderID?, owner: String?, _ body: (inout TaskRecord) -> Result) -> Result? {
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
                guard let afterSlot = state.slot(of: after[...]), let afterRecord = state.records[afterSlot],
                    let found = TaskStore.position(of: afterRecord.sequence, in: slots, records: state.records)
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
                for slot in slots { state.records[Int(slot)] = nil }
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
