/// Encodes an `Encodable` value into a `JSON` tree. Struct fields keep their declaration order;
/// dictionaries with string keys are written in key order, so that a reply never depends on a
/// hash seed. A nil optional is written as `null` (every documented field is present): a type
/// that leaves a field out when nil says so in its own `encode(to:)`.
extension JSON {
    package init(encoding value: some Encodable) throws {
        let slot = Slot()
        try slot.store(value, at: [])
        self = slot.json
    }
}

/// Where one value goes; containers fill it as they are written to.
private final class Slot {
    enum Content {
        case value(JSON)
        case object([(String, Slot)])
        case array([Slot])
    }

    var content = Content.value(.null)

    var json: JSON {
        switch content {
        case .value(let value): value
        case .object(let entries): .object(JSONObject(entries.map { (key: $0.0, value: $0.1.json) }))
        case .array(let slots): .array(slots.map(\.json))
        }
    }

    func store<Value: Encodable>(_ value: Value, at path: [any CodingKey]) throws {
        switch value {
        case let text as String: content = .value(.string(text))
        case let flag as Bool: content = .value(.bool(flag))
        case let number as Double: content = .value(.double(number))
        case let number as Float: content = .value(.double(Double(number)))
        case let number as any BinaryInteger:
            guard let int = Int(exactly: number) else {
                throw EncodingError.invalidValue(value, .init(codingPath: path, debugDescription: "\(number) does not fit an Int"))
            }
            content = .value(.int(int))
        case let dictionary as any StringKeyedDictionary: try dictionary.storeSorted(in: self, at: path)
        default: try value.encode(to: TreeEncoder(slot: self, codingPath: path))
        }
    }

    func child(_ key: String) -> Slot {
        let slot = Slot()
        if case .object(var entries) = content {
            entries.append((key, slot))
            content = .object(entries)
        } else {
            content = .object([(key, slot)])
        }
        return slot
    }

    func appended() -> Slot {
        let slot = Slot()
        if case .array(var slots) = content {
            slots.append(slot)
            content = .array(slots)
        } else {
            content = .array([slot])
        }
        return slot
    }
}

private protocol StringKeyedDictionary {
    func storeSorted(in slot: Slot, at path: [any CodingKey]) throws
}

extension Dictionary: StringKeyedDictionary where Key == String, Value: Encodable {
    fileprivate func storeSorted(in slot: Slot, at path: [any CodingKey]) throws {
        slot.content = .object([])
        for key in keys.sorted() { try slot.child(key).store(self[key]!, at: path + [FieldName(key)]) }
    }
}

private struct TreeEncoder: Encoder {
    let slot: Slot
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = slot.content {} else { slot.content = .object([]) }
        return KeyedEncodingContainer(KeyedContainer(slot: slot, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = slot.content {} else { slot.content = .array([]) }
        return UnkeyedContainer(slot: slot, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(slot: slot, codingPath: codingPath) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { _ = slot.child(key.stringValue) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try put(value, key) }
    private func put(_ value: some Encodable, _ key: Key) throws {
        try slot.child(key.stringValue).store(value, at: codingPath + [key])
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Double, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Float, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try put(value, key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { try put(value, key) }

    // Nil is written as null rather than left out (see `JSON.init(encoding:)`).
    private mutating func present(_ value: (some Encodable)?, _ key: Key) throws {
        if let value { try put(value, key) } else { try encodeNil(forKey: key) }
    }
    mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: String?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Double?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Float?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: Int64?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt8?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt16?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt32?, forKey key: Key) throws { try present(value, key) }
    mutating func encodeIfPresent(_ value: UInt64?, forKey key: Key) throws { try present(value, key) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey>
    {
        TreeEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key]).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        TreeEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key]).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: slot.child("super"), codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(slot: slot.child(key.stringValue), codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]
    var count: Int {
        if case .array(let slots) = slot.content { slots.count } else { 0 }
    }

    mutating func encodeNil() throws { _ = slot.appended() }
    mutating func encode<T: Encodable>(_ value: T) throws { try slot.appended().store(value, at: codingPath) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        TreeEncoder(slot: slot.appended(), codingPath: codingPath).container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        TreeEncoder(slot: slot.appended(), codingPath: codingPath).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { TreeEncoder(slot: slot.appended(), codingPath: codingPath) }
}

private struct SingleContainer: SingleValueEncodingContainer {
    let slot: Slot
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { slot.content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try slot.store(value, at: codingPath) }
}
