import Foundation
import JSON

/// The built `videomock` binary, started on port 0 for one test and stopped when released: for
/// tests of what only a process shows (flags, signals, exit codes, its descriptors and memory).
final class ServerProcess: ListeningServer {
    let port: Int
    let process: Process
    private let output: Pipe
    /// Where the server's standard error goes: a file, or with `unreadStandardError` a pipe that
    /// nobody reads (a sanitizer's report into a full pipe would stall the server).
    private let errors: FileHandle
    private let errorFile: URL?

    /// `$VIDEOMOCK_BINARY` (`make test` sets it to the release build users run), else the debug
    /// build beside this test bundle.
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["VIDEOMOCK_BINARY"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("videomock")
    }

    /// Starts `videomock serve --port 0 ARGUMENTS` and waits for its ready line; with
    /// `descriptors`, under that limit of open files (by `prlimit`).
    init(
        _ arguments: [String] = [], defaultArguments: [String] = ["--threads", "2"], environment: [String: String] = [:],
        descriptors: Int? = nil, unreadStandardError: Bool = false
    ) throws {
        process = Process()
        let command = [ServerProcess.binary.path, "serve", "--port", "0"] + defaultArguments + arguments
        if let descriptors {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
            process.arguments = ["--nofile=\(descriptors):\(descriptors)"] + command
        } else {
            process.executableURL = ServerProcess.binary
            process.arguments = Array(command.dropFirst())
        }
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        output = Pipe()
        process.standardOutput = output
        if unreadStandardError {
            let pipe = Pipe()
            (errors, errorFile) = (pipe.fileHandleForReading, nil)
            process.standardError = pipe
        } else {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("videomock-stderr-\(UUID().uuidString)")
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            (errors, errorFile) = (try FileHandle(forReadingFrom: file), file)
            process.standardError = try FileHandle(forWritingTo: file)
        }
        try process.run()
        let line = ServerProcess.readLine(output.fileHandleForReading, timeout: 10)
        guard let line, line.hasPrefix("listening on http://"), let port = Int(line.split(separator: ":").last ?? "") else {
            process.terminate()
            throw TestFailure("server did not start: \(line ?? "no output")")
        }
        self.port = port
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        if let errorFile { try? FileManager.default.removeItem(at: errorFile) }
    }

    /// What the server wrote to standard error; once it has exited, all of it.
    func standardError() -> String {
        String(decoding: errors.readDataToEndOfFile(), as: UTF8.self)
    }

    static func readLine(_ handle: FileHandle, timeout: Double) -> String? {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let chunk = handle.readData(ofLength: 1)
            guard let byte = chunk.first else { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}

/// Runs a program to its end; its status, and what it wrote to standard output and error together.
func runToEnd(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    let out = Pipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

struct TestFailure: Error, Equatable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
