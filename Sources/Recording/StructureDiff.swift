import JSON

/// One way a recorded reply and VideoMock's reply for the same task in the same state differ.
package struct Difference: Sendable, Equatable, Hashable {
    package enum Kind: String, Sendable {
        case status, contentType = "content_type", header, missingField = "missing_field", extraField = "extra_field", type, word
        case unknownModel = "unknown_model"
    }

    package var kind: Kind
    /// Where: a JSON path (`data.task_status`), a header's name, or nothing for the status.
    package var path: String
    package var recorded: String
    package var videoMock: String

    package init(_ kind: Kind, _ path: String, recorded: String, videoMock: String) {
        self.kind = kind
        self.path = path
        self.recorded = recorded
        self.videoMock = videoMock
    }

    package var message: String {
        switch kind {
        case .status: "status \(recorded) recorded, VideoMock answers \(videoMock)"
        case .contentType: "Content-Type \(recorded) recorded, VideoMock sends \(videoMock)"
        case .header: "header \(path): \(recorded) recorded, \(videoMock) from VideoMock"
        case .missingField: "field \(path) (\(recorded)) is in the recording, not in VideoMock's reply"
        case .extraField: "field \(path) (\(videoMock)) is in VideoMock's reply, not in the recording"
        case .type: "field \(path) is \(recorded) in the recording, \(videoMock) in VideoMock's reply"
        case .word: "field \(path) says '\(recorded)' in the recording, '\(videoMock)' in VideoMock's reply"
        case .unknownModel: "model \(recorded) is in no catalog of VideoMock's"
        }
    }

    package var json: JSON {
        [
            "kind": .string(kind.rawValue), "path": .string(path), "recorded": .string(recorded), "videomock": .string(videoMock),
            "message": .string(message),
        ]
    }
}

/// Compares two JSON documents' structure: field names at every depth, value types, and the
/// words of enumerations (`status`, `object`, ...), never other values.
package enum StructureDiff {
    /// Fields whose string values are words from a fixed set.
    static let enumerations: Set<String> = ["status", "task_status", "state", "object", "type", "code"]

    package static func compare(_ recorded: JSON, _ emulated: JSON, at path: String = "") -> [Difference] {
        let (recordedType, emulatedType) = (typeName(recorded), typeName(emulated))
        guard recordedType == emulatedType else {
            return [Difference(.type, path.isEmpty ? "(document)" : path, recorded: recordedType, videoMock: emulatedType)]
        }
        switch (recorded, emulated) {
        case (.object(let a), .object(let b)):
            var differences: [Difference] = []
            for (key, value) in a {
                let inner = path.isEmpty ? key : "\(path).\(key)"
                guard let other = b[key] else {
                    differences.append(Difference(.missingField, inner, recorded: typeName(value), videoMock: ""))
                    continue
                }
                if enumerations.contains(key), let word = value.string, let otherWord = other.string, word != otherWord {
                    differences.append(Difference(.word, inner, recorded: word, videoMock: otherWord))
                }
                differences += compare(value, other, at: inner)
            }
            for (key, value) in b where a[key] == nil {
                differences.append(Difference(.extraField, path.isEmpty ? key : "\(path).\(key)", recorded: "", videoMock: typeName(value)))
            }
            return differences
        case (.array(let a), .array(let b)):
            guard let first = a.first, let other = b.first else { return [] }
            return compare(first, other, at: path + "[]")
        default:
            return []
        }
    }

    /// The JSON type, integers and fractions alike being numbers.
    package static func typeName(_ json: JSON) -> String {
        switch json {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
