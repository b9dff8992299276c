import Foundation
import Testing

/// The example orders service (`Examples/Orders`) as a process on 127.0.0.1, with a JSON client for it.
final class OrdersExampleProcess: Sendable {
    let port: Int
    private let process: Process
    let client: LoopbackClient

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
        client = LoopbackClient(port: port)
    }

    static func start(_ arguments: [String]) async throws -> OrdersExampleProcess {
        let port = try MotoServer.freePort()
        let process = Process()
        process.executableURL = CLIRunner.binary("OrdersExample")
        process.arguments = ["--port", String(port)] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ChildLaunch.locked { try process.run() }
        let example = OrdersExampleProcess(port: port, process: process)
        for _ in 0..<400 {
            if (try? await example.client.request("GET", "/health"))?.status == 200 { return example }
            try await Task.sleep(for: .milliseconds(50))
        }
        await example.stop()
        throw MotoError("the orders example did not start on port \(port)")
    }

    /// How the example's revocation stream stands.
    func streamIsLive() async throws -> Bool {
        try await client.request("GET", "/health/revocations").json["live"] as? Int == 1
    }

    /// Waits up to `limit` for the stream to be live (or not); whether it got there.
    func waitForStream(live: Bool, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await streamIsLive() == live { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    func stop() async {
        await ChildLaunch.stop(process.processIdentifier, grace: .seconds(10), what: "OrdersExample")
    }
}
