import Foundation

/// Runs a built binary of this package (next to the test bundle) and collects what it printed.
enum CLIRunner {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func binary(_ name: String) -> URL {
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") || folder.path.contains(".xctest/") {
            folder = folder.deletingLastPathComponent()
        }
        return folder.appendingPathComponent(name)
    }

    /// `executable`: another program than one of this package's (a test tool such as schemathesis, found on `PATH`).
    static func run(
        _ arguments: [String], binary name: String = "clientcli", executable: URL? = nil, environment: [String: String] = [:],
        input: String? = nil
    ) async throws -> Result {
        let process = Process()
        process.executableURL = executable ?? binary(name)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Blocking reads and waits happen on Dispatch threads: blocking Swift's cooperative pool (two threads on a
        // 2-core machine) would starve the in-process server the child is talking to.
        let exited = AsyncStream<Void> { continuation in process.terminationHandler = { _ in continuation.finish() } }
        let (out, err, stdin) = try ChildLaunch.locked {
            let (out, err, stdin) = (Pipe(), Pipe(), Pipe())
            process.standardOutput = out
            process.standardError = err
            process.standardInput = input == nil ? FileHandle.nullDevice : stdin
            try process.run()
            return (out, err, stdin)
        }
        if let input {
            stdin.fileHandleForWriting.write(Data(input.utf8))
            try stdin.fileHandleForWriting.close()
        }
        async let o = readAll(out.fileHandleForReading)
        async let e = readAll(err.fileHandleForReading)
        for await _ in exited {}
        let (stdout, stderr) = await (o, e)
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    private static func readAll(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readDataToEndOfFile()) }
        }
    }
}
