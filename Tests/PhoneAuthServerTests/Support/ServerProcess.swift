import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// The real PhoneAuthServer binary as a process on 127.0.0.1, stopped with SIGTERM.
final class ServerProcess: Sendable {
    private let process: Process
    private let exited: AsyncStream<Void>

    private init(process: Process, exited: AsyncStream<Void>) {
        self.process = process
        self.exited = exited
    }

    /// `logFile`: the server's stderr goes there (at the level `arguments` set, info by default) instead of nowhere.
    /// `trusting`: the server speaks TLS with a certificate this CA file vouches for. `binary`: another build of the
    /// server (the previous release's) instead of this one's.
    static func start(port: Int, arguments: [String], logFile: URL? = nil, trusting caFile: String? = nil, binary: URL? = nil)
        async throws -> ServerProcess
    {
        let process = Process()
        process.executableURL = binary ?? CLIRunner.binary("PhoneAuthServer")
        process.arguments = ["serve", "--port", String(port)] + (logFile == nil ? ["--log-level", "warning"] : []) + arguments
        process.standardOutput = FileHandle.nullDevice
        if let logFile {
            FileManager.default.createFile(atPath: logFile.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: logFile)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        let exited = AsyncStream<Void> { continuation in process.terminationHandler = { _ in continuation.finish() } }
        try ChildLaunch.locked { try process.run() }
        let server = ServerProcess(process: process, exited: exited)
        let curl = CurlClient.isolated()
        // Up to 20 s: on a loaded 2-core machine, migrations through PgBouncer take their time.
        for _ in 0..<400 {
            let url = "\(caFile == nil ? "http" : "https")://127.0.0.1:\(port)/health"
            if let health = try? await curl.perform(CurlRequest(url: url, method: "GET", caFile: caFile)), health.status == 200 {
                return server
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        await server.stop()
        // The start of the log says why (a crash report puts its reason first, then every thread), the end what came last.
        var said = ""
        if let logFile, let log = try? String(contentsOf: logFile, encoding: .utf8) {
            let excerpt = log.count <= 4_000 ? log : String(log.prefix(3_000)) + "\n…\n" + String(log.suffix(1_000))
            said = "; it logged:\n" + excerpt
        }
        throw MotoError("the server did not become healthy on port \(port)\(said)")
    }

    /// SIGTERM, and SIGKILL (a recorded issue) if it has not exited within 45 s: its drain time is 30 s by default.
    func stop() async {
        await ChildLaunch.stop(process.processIdentifier, grace: .seconds(45), what: "PhoneAuthServer")
    }

    /// Sends `signal` (SIGTERM, SIGINT, SIGKILL) and returns at once.
    func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end: its exit code, or the signal that ended it as a negative number.
    func exitStatus() async -> Int32 {
        guard await ChildLaunch.waitForExit(process.processIdentifier, within: .seconds(60)) else {
            Issue.record("PhoneAuthServer did not exit within 60 s")
            await stop()
            return .min
        }
        for await _ in exited {}
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }
}
