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

/// The `{name}` segments of the route a path matched, and where their values lie: at most two
/// ranges of bytes in the path as sent (or, when its segments had escapes, in their decoded
/// bytes), found by a comparison of names, not a hash. No string is made for a value until one
/// is kept; the names are the route's own (shared, not copied).
package struct PathParameters: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    /// At most this many values.
    static let capacity = 2

    private var names: [String] = []
    /// The bytes the values lie in: the request target, or the decoded values one after another.
    private var source = ""
    /// The values' byte ranges in `source`: 16 bits for each bound, the first value's lowest.
    private var spans: UInt64 = 0

    package init() {}

    /// Values at `ranges` of `source`, for the route's `names`, in order.
    init?(names: [String], source: String, ranges: some Collection<Range<Int>>) {
        guard ranges.count <= PathParameters.capacity else { return nil }
        for (index, range) in ranges.enumerated() {
            guard range.upperBound <= Int(UInt16.max) else { return nil }
            spans |= (UInt64(range.lowerBound) | UInt64(range.upperBound) << 16) << (32 * UInt64(index))
        }
        self.names = names
        self.source = source
    }

    package init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { append(name, value) }
    }

    private var count: Int { names.count }

    private func value(at index: Int) -> Substring {
        let span = spans >> (32 * UInt64(index))
        let utf8 = source.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: Int(span & 0xFFFF))
        let end = utf8.index(utf8.startIndex, offsetBy: Int(span >> 16 & 0xFFFF))
        return Substring(utf8[start..<end])
    }

    /// The value of `{name}`, a slice of the path.
    package subscript(name: String) -> Substring? {
        for index in names.indices where names[index] == name { return value(at: index) }
        return nil
    }

    /// The first parameter's value (most routes have one).
    package var first: Substring? { names.isEmpty ? nil : value(at: 0) }

    /// The same names with the same values.
    package static func == (lhs: PathParameters, rhs: PathParameters) -> Bool {
        lhs.names == rhs.names && lhs.names.indices.allSatisfy { lhs.value(at: $0) == rhs.value(at: $0) }
    }

    package mutating func append(_ name: String, _ value: String) {
        precondition(count < PathParameters.capacity, "at most \(PathParameters.capacity) path parameters")
        let start = source.utf8.count
        source += value
        names.append(name)
        spans |= (UInt64(start) | UInt64(source.utf8.count) << 16) << (32 * UInt64(count - 1))
    }
}
