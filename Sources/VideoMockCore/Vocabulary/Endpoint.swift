/// What a request asks of a provider, in the words scenarios, the journal and the admin API use.
package enum Endpoint: String, Sendable, CaseIterable {
    case create, retrieve, content, delete, list, remix

    /// Whether the request carries a body that describes a task (a create or a remix).
    package var describesTask: Bool { self == .create || self == .remix }
}
