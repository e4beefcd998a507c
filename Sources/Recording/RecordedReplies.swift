import JSON
import VideoMockCore

/// Reading and rewriting recorded replies: the state a reply reports, and a recorded reply
/// made to speak of a new task.
package enum RecordedReplies {
    /// Field names a task's status word goes by.
    static let statusFields = ["status", "task_status", "state"]

    /// The status word of a reply: the first status-like string field, outermost first.
    package static func statusWord(in json: JSON?) -> String? {
        guard let json else { return nil }
        var level = [json]
        while !level.isEmpty {
            var next: [JSON] = []
            for value in level {
                if let object = value.object {
                    for name in statusFields { if let word = object[name]?.string { return word } }
                    next.append(contentsOf: object.entries.map(\.value))
                } else if let items = value.array {
                    next.append(contentsOf: items)
                }
            }
            level = next
        }
        return nil
    }

    /// The state a status word means, in any provider's words; nil for a word none uses.
    package static func phase(of word: String?) -> TaskPhase? {
        switch word?.lowercased() {
        case "queued", "submitted", "pending", "not_start", "waiting": .queued
        case "in_progress", "processing", "running", "generating": .inProgress
        case "completed", "succeeded", "success", "done": .completed
        case "failed", "failure", "error", "cancelled": .failed
        case "unknown": .unknown
        default: nil
        }
    }

    package static func phase(of exchange: RecordedExchange) -> TaskPhase? { phase(of: statusWord(in: exchange.responseJSON)) }

    /// A recorded reply made to speak of a new task: the recorded id replaced by the new one,
    /// Unix times moved by `shift` seconds, and the prompt and URLs taken from VideoMock's own reply for the
    /// task where it has one at the same place (its links are the ones that lead to the video).
    package static func rewrite(_ recorded: JSON, emulated: JSON?, recordedID: String, newID: String, shift: Double) -> JSON {
        switch recorded {
        case .object(let object):
            return .object(
                JSONObject(
                    object.map { key, value in
                        let counterpart = emulated?[key]
                        if isTime(key), let number = value.number, number >= 1e9 {
                            // Seconds, or milliseconds past 1e12.
                            let moved = number > 1e12 ? number + shift * 1000 : number + shift
                            return (key, value.int != nil ? .int(Int(moved.rounded())) : .double(moved))
                        }
                        // The prompt is the one this client sent (a recording may match with any prompt).
                        if key == "prompt", let prompt = counterpart?.string { return (key, .string(prompt)) }
                        return (key, rewrite(value, emulated: counterpart, recordedID: recordedID, newID: newID, shift: shift))
                    }))
        case .array(let items):
            let others = emulated?.array ?? []
            return .array(
                items.enumerated().map { index, item in
                    rewrite(item, emulated: index < others.count ? others[index] : nil, recordedID: recordedID, newID: newID, shift: shift)
                })
        case .string(let text):
            if isURL(text), let replacement = emulated?.string, isURL(replacement) { return .string(replacement) }
            return .string(recordedID.isEmpty ? text : text.replacing(recordedID, with: newID))
        default:
            return recorded
        }
    }

    private static func isTime(_ key: String) -> Bool {
        key.hasSuffix("_at") || key.hasSuffix("_time") || key == "created" || key == "updated" || key == "timestamp"
    }

    private static func isURL(_ text: String) -> Bool {
        text.hasPrefix("http://") || text.hasPrefix("https://") || text.hasPrefix("data:")
    }
}
