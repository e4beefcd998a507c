/// The gateways VideoMock emulates: each one's path prefix, catalog and scenario name.
package enum ProviderID: String, Sendable, CaseIterable, Comparable {
    case aihubmix, mixroute, amux

    package static func < (a: ProviderID, b: ProviderID) -> Bool { a.rawValue < b.rawValue }

    /// "aihubmix, mixroute, amux", for messages that list the choices.
    package static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
