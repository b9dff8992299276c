import Foundation
import Testing

@testable import PhoneAuthDelivery

/// `Tests/Webhooks/receiver.py` as a process: a webhook endpoint that verifies each delivery with the
/// `standardwebhooks` package from PyPI and answers 500 while told to fail.
final class StandardWebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var id: String
        var type: String
        /// The payload's `data`, each value as text.
        var data: [String: String]
        /// The indexes of the secrets (as last set) the signature verified with.
        var verified: [Int]
        var status: Int
        var eventID: Int? { Int(id.dropFirst("evt_".count)) }
    }

    let port: Int
    private let process: Process
    private let curl = CurlClient.isolated()

    var url: String { "http://127.0.0.1:\(port)/hooks" }

    private init(port: Int, process: Process) {
        (self.port, self.process) = (port, process)
    }

    static func start() async throws -> StandardWebhookReceiver {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", RepositoryFolder.url("Tests/Webhooks/receiver.py").path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try ChildLaunch.locked { try process.run() }
        // Its first line is its port.
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { break }
            line += chunk
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            await ChildLaunch.stop(process.processIdentifier, grace: .seconds(5), what: "webhook receiver")
            throw MotoError("the webhook receiver did not start (is standardwebhooks installed? make test-deps installs it)")
        }
        return StandardWebhookReceiver(port: port, process: process)
    }

    /// The secrets to verify with, and how many deliveries to refuse (500) from now.
    func control(secrets: [String]? = nil, fail: Int? = nil) async throws {
        var command: [String: any Sendable] = [:]
        if let secrets { command["secrets"] = secrets }
        if let fail { command["fail"] = fail }
        let data = try JSONSerialization.data(withJSONObject: command)
        var request = CurlRequest(url: "http://127.0.0.1:\(port)/control")
        request.body = Array(data)
        #expect(try await curl.perform(request).status == 204)
    }

    func received() async throws -> [Delivery] {
        let answer = try await curl.perform(CurlRequest(url: "http://127.0.0.1:\(port)/", method: "GET"))
        let list = (try JSONSerialization.jsonObject(with: Data(answer.body)) as? [[String: Any]]) ?? []
        return list.map { item in
            Delivery(
                id: item["id"] as? String ?? "", type: item["type"] as? String ?? "",
                data: ((item["body"] as? [String: Any])?["data"] as? [String: Any] ?? [:]).mapValues { "\($0)" },
                verified: item["verified"] as? [Int] ?? [], status: item["status"] as? Int ?? 0)
        }
    }

    /// Waits up to `limit` until `done` holds of what came; what came then.
    func waitFor(_ limit: Duration, _ done: ([Delivery]) -> Bool) async throws -> [Delivery] {
        let deadline = ContinuousClock.now + limit
        var got = try await received()
        while !done(got), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            got = try await received()
        }
        return got
    }

    func stop() async {
        await ChildLaunch.stop(process.processIdentifier, grace: .seconds(5), what: "webhook receiver")
    }
}
