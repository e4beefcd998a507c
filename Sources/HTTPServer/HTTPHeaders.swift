/// Header fields in arrival order; names compare case-insensitively.
package struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    package private(set) var fields: [(name: String, value: String)] {
        didSet { lines = nil }
    }
    /// The fields as a reply's head carries them, written once for fields sent with many replies
    /// (see `writtenOnce`); dropped by any change.
    private(set) var lines: HeadLines?

    package init() { fields = [] }
    package init(fields: [(name: String, value: String)]) { self.fields = fields }
    package init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of `name`, if present.
    package subscript(name: String) -> String? {
        for field in fields where field.name.equalsIgnoringASCIICase(name) { return field.value }
        return nil
    }

    package func contains(_ name: String) -> Bool { self[name] != nil }

    package mutating func add(_ name: String, _ value: String) { fields.append((name: name, value: value)) }

    package mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    /// Replaces every field named `name` with one field holding `value`.
    package mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    package mutating func remove(_ name: String) { fields.removeAll { $0.name.equalsIgnoringASCIICase(name) } }

    /// The same fields, their head lines written now rather than for each reply that sends them.
    package func writtenOnce() -> HTTPHeaders {
        var headers = self
        headers.lines = HeadLines(self)
        return headers
    }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    package static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

extension StringProtocol {
    /// ASCII case-insensitive comparison, as HTTP tokens are compared.
    package func equalsIgnoringASCIICase(_ other: some StringProtocol) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        // Byte by byte over contiguous storage (native strings); over the views otherwise.
        if let equal = utf8.withContiguousStorageIfAvailable({ a in
            other.utf8.withContiguousStorageIfAvailable { b in zip(a, b).allSatisfy(sameLetterIgnoringCase) }
        }), let equal {
            return equal
        }
        return zip(utf8, other.utf8).allSatisfy(sameLetterIgnoringCase)
    }

    /// Whether a comma-separated header value lists `token` (case-insensitive).
    package func containsHTTPToken(_ token: String) -> Bool {
        split(separator: ",").contains { $0.trimmingHTTPWhitespace().equalsIgnoringASCIICase(token) }
    }

    package func trimmingHTTPWhitespace() -> Substring {
        let s = Substring(self)
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        if let first = s.utf8.first, let last = s.utf8.last, !isSpace(first), !isSpace(last) { return s }
        guard let first = s.utf8.firstIndex(where: { !isSpace($0) }), let last = s.utf8.lastIndex(where: { !isSpace($0) }) else {
            return s[s.endIndex...]
        }
        return s[first...last]
    }
}

/// Whether two bytes are equal, ASCII letters compared without case.
private func sameLetterIgnoringCase(_ a: UInt8, _ b: UInt8) -> Bool {
    a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= 0x61 && (a | 0x20) <= 0x7A)
}
