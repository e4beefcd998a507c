/// What a provider may ask of the engine: tasks made, read, listed, deleted and downloaded, ids,
/// the catalogs, and the sizes videos are made at. Not the scenarios, the journal, the clocks or
/// the verdict, which the pipeline drives around the provider.
package protocol TaskService: Sendable {
    var catalogs: CatalogSet { get }
    /// Random tokens for ids (reproducible under `--seed`).
    var ids: IDGenerator { get }
    /// The sizes videos are made at.
    var videoSizes: Set<Dimensions> { get }
    /// Whether videos are made at `size`.
    func makesVideos(at size: Dimensions) -> Bool

    /// A new task, its id made by `makeID` around the code of its slot (`IDGenerator.token(length:carrying:)`).
    func create(provider: ProviderID, owner: String, spec: TaskSpec, model: ModelSpec, plan: SharedPlan?, makeID: (SlotCode) -> String)
        -> TaskSnapshot
    // A task is named as a request names it: a slice of its target, made a string only to be kept.
    func retrieve(provider: ProviderID, owner: String, id: Substring, isPoll: Bool) throws(TaskError) -> TaskSnapshot
    func list(provider: ProviderID, owner: String, after: String?, limit: Int, ascending: Bool) -> (tasks: [TaskSnapshot], hasMore: Bool)?
    func delete(provider: ProviderID, owner: String, id: Substring) throws(TaskError) -> TaskSnapshot
    func content(provider: ProviderID, owner: String?, id: Substring, variant: MediaLibrary.Variant, corrupt: Bool) throws(TaskError)
        -> TaskContent
    func ready(provider: ProviderID, owner: String?, id: Substring) throws(TaskError) -> TaskSnapshot
    func dataURL(_ snapshot: TaskSnapshot) throws(TaskError) -> String
    func subject(provider: ProviderID, id: String) -> (model: String, prompt: String)?
    func pollAdvice(_ snapshot: TaskSnapshot) -> Double
    func pollAdvice(ended: Bool) -> Double
}

/// The same calls with a task named by a string of its own (as tests and the admin API hold it).
extension TaskService {
    package func retrieve(provider: ProviderID, owner: String, id: String, isPoll: Bool = true) throws(TaskError) -> TaskSnapshot {
        try retrieve(provider: provider, owner: owner, id: id[...], isPoll: isPoll)
    }

    package func delete(provider: ProviderID, owner: String, id: String) throws(TaskError) -> TaskSnapshot {
        try delete(provider: provider, owner: owner, id: id[...])
    }

    package func content(provider: ProviderID, owner: String?, id: String, variant: MediaLibrary.Variant, corrupt: Bool = false)
        throws(TaskError) -> TaskContent
    {
        try content(provider: provider, owner: owner, id: id[...], variant: variant, corrupt: corrupt)
    }

    package func ready(provider: ProviderID, owner: String?, id: String) throws(TaskError) -> TaskSnapshot {
        try ready(provider: provider, owner: owner, id: id[...])
    }
}

extension TaskService {
    /// A status read (it counts as a poll).
    package func retrieve(provider: ProviderID, owner: String, id: Substring) throws(TaskError) -> TaskSnapshot {
        try retrieve(provider: provider, owner: owner, id: id, isPoll: true)
    }

    package func content(provider: ProviderID, owner: String?, id: Substring, variant: MediaLibrary.Variant) throws(TaskError)
        -> TaskContent
    {
        try content(provider: provider, owner: owner, id: id, variant: variant, corrupt: false)
    }
}

extension Engine: TaskService {
    package var videoSizes: Set<Dimensions> { media.sizes }
    package func makesVideos(at size: Dimensions) -> Bool { media.supports(size) }
}

/// A finished task's file, and the task as the request that fetched it was shown it.
package struct TaskContent: Sendable {
    package let file: MediaLibrary.File
    package let task: TaskSnapshot
}
