import Foundation

/// Request bodies too long to read well inline, kept byte for byte under `Tests/Examples/`.
enum Example {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples")

    /// The file's text without its final newline (a missing file reads as a note that fails the test).
    static func body(_ name: String) -> String {
        guard let text = try? String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8) else {
            return "missing example \(name)"
        }
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }

    /// One body per line.
    static func lines(_ name: String) -> [String] {
        body(name).split(separator: "\n").map(String.init)
    }
}
