import Foundation

@testable import PhoneAuthCore

/// A program the tests run beside the servers (Prometheus, HAProxy) in the foreground, its output in a log file in its
/// own temporary folder, stopped by the test: `with` stops it whether the body returns or throws.
final class Daemon: Sendable {
    let folder: URL
    private let process: Process
    private let name: String

    private init(folder: URL, process: Process, name: String) {
        self.folder = folder
        self.process = process
        self.name = name
    }

    /// `executable`: an absolute path; a missing program fails with the package that brings it (`make test-deps`
    /// installs it). `prepare` writes the program's files into its folder and returns its arguments.
    static func with<Value: Sendable>(
        _ executable: String, package: String, prepare: (URL) throws -> [String], _ body: (Daemon) async throws -> Value
    ) async throws -> Value {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw MotoError("\(executable) is missing: install Debian's \(package) (make test-deps does)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-\(package)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = try prepare(folder)
        process.currentDirectoryURL = folder
        let log = folder.appendingPathComponent("output.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = try FileHandle(forWritingTo: log)
        try ChildLaunch.locked { try process.run() }
        let daemon = Daemon(folder: folder, process: process, name: URL(fileURLWithPath: executable).lastPathComponent)
        let result: Result<Value, any Error>
        do {
            result = .success(try await body(daemon))
        } catch {
            result = .failure(error)
        }
        await daemon.stop()
        if case .success = result { try? FileManager.default.removeItem(at: folder) }
        return try result.get()
    }

    var isRunning: Bool { !ChildLaunch.hasExited(process.processIdentifier) }

    /// Everything the program printed so far.
    var log: String { (try? String(contentsOf: folder.appendingPathComponent("output.log"), encoding: .utf8)) ?? "" }

    /// The end of it, for a failure message.
    var output: String {
        let text = log
        return text.count <= 3_000 ? text : "…" + String(text.suffix(3_000))
    }

    /// SIGTERM, then SIGKILL (a recorded issue) if it has not ended within 10 s.
    func stop() async {
        await ChildLaunch.stop(process.processIdentifier, grace: .seconds(10), what: name)
    }
}
