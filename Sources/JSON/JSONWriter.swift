/// Writes a JSON document straight into bytes, for the replies written on every request: keys
/// are static bytes, numbers go out as digits, and no tree is built. What it writes is what
/// `JSON.write(into:)` writes for the same document.
package struct JSONWriter: ~Copyable {
    @usableFromInline var buffer: ByteBuffer
    /// Whether the container at each depth (bit n: depth n) already has a member.
    @usableFromInline var hasMember: UInt64 = 0
    @usableFromInline var depth = 0

    package init(capacity: Int = 512) {
        buffer = ByteBuffer(capacity: capacity)
    }

    /// What has been written, as an array.
    package var bytes: [UInt8] { buffer.array }

    /// How many bytes have been written.
    package var count: Int { buffer.count }

    package func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T { try buffer.withBytes(body) }

    /// Empty again for the next document, its buffer kept.
    package mutating func reset() {
        buffer.removeAll()
        hasMember = 0
        depth = 0
        valueFollowsKey = false
    }

    // MARK: Containers

    @inlinable
    package mutating func beginObject() { open(UInt8(ascii: "{")) }
    @inlinable
    package mutating func endObject() { close(UInt8(ascii: "}")) }
    @inlinable
    package mutating func beginArray() { open(UInt8(ascii: "[")) }
    @inlinable
    package mutating func endArray() { close(UInt8(ascii: "]")) }

    /// `"key":` (after a comma when the object has members already). Keys are written as given.
    @inlinable @inline(__always)
    package mutating func key(_ key: StaticString) {
        let bit: UInt64 = 1 &<< UInt64(truncatingIfNeeded: depth &- 1)
        buffer.appendKey(key, comma: hasMember & bit != 0)
        hasMember |= bit
        valueFollowsKey = true
    }

    // MARK: Values

    package mutating func string(_ value: String) {
        separate()
        JSON.writeString(value, into: &buffer)
    }

    @inlinable
    package mutating func int(_ value: Int) {
        separate()
        buffer.appendDecimal(value)
    }

    /// A number, or with `asString` the string of its digits (`"8"`, as some APIs send counts).
    @inlinable
    package mutating func int(_ value: Int, asString: Bool) {
        guard asString else { return int(value) }
        separate()
        buffer.append(UInt8(ascii: "\""))
        buffer.appendDecimal(value)
        buffer.append(UInt8(ascii: "\""))
    }

    @inlinable
    package mutating func bool(_ value: Bool) {
        separate()
        buffer.append(value ? "true" : "false")
    }

    @inlinable
    package mutating func null() {
        separate()
        buffer.append("null")
    }

    /// Any value, through the tree writer.
    package mutating func value(_ json: JSON) {
        separate()
        buffer.append(json.bytes)
    }

    package mutating func string(_ value: String?) { if let value { string(value) } else { null() } }
    @inlinable
    package mutating func int(_ value: Int?) { if let value { int(value) } else { null() } }

    // MARK: Members (a nil value is written as null)

    @inlinable
    package mutating func field(_ name: StaticString, _ value: String?) {
        key(name)
        string(value)
    }

    /// A member whose value is JSON written out already (`"video"`, `null`): copied as it is.
    @inlinable
    package mutating func field(_ name: StaticString, json: StaticString) {
        key(name)
        valueFollowsKey = false
        buffer.append(json)
    }

    /// A member whose string value needs no escaping (an id VideoMock made, a status word):
    /// quoted and copied without looking at its bytes.
    @inlinable
    package mutating func field(_ name: StaticString, plain value: String) {
        key(name)
        valueFollowsKey = false
        var value = value
        buffer.append(UInt8(ascii: "\""))
        value.withUTF8 { buffer.append($0) }
        buffer.append(UInt8(ascii: "\""))
    }

    /// A member whose string value is given as its UTF-8 bytes, known to need no escaping when
    /// `plain` is true.
    package mutating func field(_ name: StaticString, utf8 value: UnsafeBufferPointer<UInt8>, plain: Bool = false) {
        key(name)
        valueFollowsKey = false
        if plain {
            buffer.append(UInt8(ascii: "\""))
            buffer.append(value)
            buffer.append(UInt8(ascii: "\""))
        } else {
            JSON.writeString(utf8: value, into: &buffer)
        }
    }

    /// A member whose string value is known to need no escaping when `plain` is true.
    @inlinable
    package mutating func field(_ name: StaticString, _ value: String, plain: Bool) {
        if plain { field(name, plain: value) } else { field(name, value) }
    }

    @inlinable
    package mutating func field(_ name: StaticString, _ value: Int?) {
        key(name)
        int(value)
    }

    @inlinable
    package mutating func field(_ name: StaticString, _ value: Bool) {
        key(name)
        bool(value)
    }

    // MARK: Separators

    /// Set by `key`: the next value is the member's, not a new element.
    @usableFromInline var valueFollowsKey = false

    @inlinable @inline(__always) mutating func separate() {
        if valueFollowsKey {
            valueFollowsKey = false
            return
        }
        guard depth > 0 else { return }
        let bit: UInt64 = 1 &<< UInt64(truncatingIfNeeded: depth &- 1)
        if hasMember & bit != 0 { buffer.append(UInt8(ascii: ",")) } else { hasMember |= bit }
    }

    @inlinable mutating func open(_ bracket: UInt8) {
        separate()
        buffer.append(bracket)
        depth &+= 1
        hasMember &= ~(1 &<< UInt64(truncatingIfNeeded: depth &- 1))
    }

    @inlinable mutating func close(_ bracket: UInt8) {
        buffer.append(bracket)
        depth &-= 1
    }
}
