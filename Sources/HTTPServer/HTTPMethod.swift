/// A request method: the ones routes use as cases, any other token kept as sent.
package enum HTTPMethod: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    case get, head, post, put, delete, patch, options
    case other(String)

    /// From the request line's bytes: the common methods without making a string.
    init(_ bytes: some Collection<UInt8>) {
        // Upper-case letters packed into one word, compared with each method's.
        var word: UInt64 = 0
        if bytes.count <= 7 { for byte in bytes { word = word << 8 | UInt64(byte) } }
        switch word {
        case 0x47_4554: self = .get
        case 0x504F_5354: self = .post
        case 0x4845_4144: self = .head
        case 0x50_5554: self = .put
        case 0x44_454C_4554_45: self = .delete
        case 0x50_4154_4348: self = .patch
        case 0x4F50_5449_4F4E_53: self = .options
        default: self = .other(String(decoding: bytes, as: UTF8.self))
        }
    }

    package init(_ name: String) { self.init(Array(name.utf8)) }

    package init(stringLiteral name: String) { self.init(name) }

    /// The method as sent: `GET`.
    package var name: String {
        switch self {
        case .get: "GET"
        case .head: "HEAD"
        case .post: "POST"
        case .put: "PUT"
        case .delete: "DELETE"
        case .patch: "PATCH"
        case .options: "OPTIONS"
        case .other(let name): name
        }
    }

    package var description: String { name }
}

/// The `{name}` segments of the route a path matched, and their values: one or two, found by a
/// comparison of names, not a hash. The names are the route's own (shared, not copied).
package struct PathParameters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var names: [String] = []
    private var values: [String] = []

    package init() {}

    /// Values for the route's `names`, in order.
    init(names: [String], values: [String]) {
        self.names = names
        self.values = values
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        names = elements.map(\.0)
        values = elements.map(\.1)
    }

    package subscript(name: String) -> String? {
        for index in names.indices where names[index] == name { return values[index] }
        return nil
    }

    /// The first parameter's value (most routes have one).
    package var first: String? { values.first }

    package mutating func append(_ name: String, _ value: String) {
        names.append(name)
        values.append(value)
    }
}
