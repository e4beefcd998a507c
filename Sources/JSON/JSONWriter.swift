/// Writes a JSON document straight into bytes, for the replies written on every request: keys
/// are static bytes, numbers go out as digits, and no tree is built. What it writes is what
/// `JSON.write(into:)` writes for the same document.
package struct JSONWriter {
    package private(set) var bytes: [UInt8]
    /// Whether the container at each depth (bit n: depth n) already has a member.
    private var hasMember: UInt64 = 0
    private var depth = 0

    package init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Containers

    package mutating func beginObject() { open(UInt8(ascii: "{")) }
    package mutating func endObject() { close(UInt8(ascii: "}")) }
    package mutating func beginArray() { open(UInt8(ascii: "[")) }
    package mutating func endArray() { close(UInt8(ascii: "]")) }

    /// `"key":` (after a comma when the object has members already). Keys are written as given.
    package mutating func key(_ key: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        valueFollowsKey = true
    }

    // MARK: Values

    package mutating func string(_ value: String) {
        separate()
        JSON.writeString(value, into: &bytes)
    }

    package mutating func int(_ value: Int) {
        separate()
        bytes.appendDecimal(value)
    }

    /// A number, or with `asString` the string of its digits (`"8"`, as some APIs send counts).
    package mutating func int(_ value: Int, asString: Bool) {
        guard asString else { return int(value) }
        separate()
        bytes.append(UInt8(ascii: "\""))
        bytes.appendDecimal(value)
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    package mutating func null() {
        separate()
        bytes.append(contentsOf: "null".utf8)
    }

    /// Any value, through the tree writer.
    package mutating func value(_ json: JSON) {
        separate()
        json.write(into: &bytes)
    }

    package mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    package mutating func int(_ value: Int?) { if let value { int(value) } else { null() } }

    // MARK: Members

    package mutating func field(_ name: StaticString, _ value: String) {
        key(name)
        string(value)
    }

    package mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        string(value)
    }

    package mutating func field(_ name: StaticString, _ value: Int) {
        key(name)
        int(value)
    }

    package mutating func field(_ name: StaticString, _ value: Int?) {
        key(name)
        int(value)
    }

    package mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    // MARK: Separators

    /// Set by `key`: the next value is the member's, not a new element.
    private var valueFollowsKey = false

    private mutating func separate() {
        if valueFollowsKey {
            valueFollowsKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if hasMember & bit != 0 { bytes.append(UInt8(ascii: ",")) } else { hasMember |= bit }
    }

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        depth += 1
        hasMember &= ~(1 << UInt64(depth - 1))
    }

    private mutating func close(_ bracket: UInt8) {
        bytes.append(bracket)
        depth -= 1
    }
}
