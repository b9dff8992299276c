import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// How many provider calls an instance has in flight at once (`--sms-concurrency`): each waits for the provider's
/// answer on a libcurl thread of its own, so the number bounds the texts a second an instance can send. A real server
/// process against a webhook provider that answers after a second; twelve send-codes at once.
@Suite struct SMSConcurrencyTests {
    /// The most send-codes the provider held at once, and the answers.
    private func held(_ extra: [String]) async throws -> (mostAtOnce: Int, accepted: Int) {
        let harness = try TestHarness()
        let receiver = WebhookReceiver()
        // The harness's folder holds the server's database until the server has stopped.
        defer { withExtendedLifetime(harness) {} }
        return try await receiver.run { webhook in
            let open = ["--max-sends-per-ip-hour", "1000", "--max-sends-per-prefix-hour", "1000", "--fraud-defence", "off"]
            let instance = try await Instance.start(
                database: harness.databaseURL, webhook: webhook, extra: open + ["--sms-webhook-url", webhook + "/latent"] + extra)
            var result = (mostAtOnce: 0, accepted: 0)
            try await Instance.stopping([instance]) {
                async let most = Self.mostHeld(by: receiver)
                let accepted = try await withThrowingTaskGroup(of: Int.self) { group in
                    for index in 0..<12 {
                        group.addTask {
                            try await instance.request("POST", "/auth/send-code", json: ["phone": "+1\(220 + index)5550100"]).status == 202 ? 1 : 0
                        }
                    }
                    return try await group.reduce(0, +)
                }
                result = (try await most, accepted)
            }
            return result
        }
    }

    /// The most requests the provider held at once over the next 4 s.
    private static func mostHeld(by receiver: WebhookReceiver) async throws -> Int {
        var most = 0
        for _ in 0..<400 {
            most = max(most, receiver.latentRequestsWaiting)
            try await Task.sleep(for: .milliseconds(10))
        }
        return most
    }

    @Test func anInstanceHoldsAsManyProviderCallsAsItsConcurrencyAndQueuesTheRest() async throws {
        let four = try await held(["--sms-concurrency", "4"])
        #expect(four.mostAtOnce == 4)
        #expect(four.accepted == 12, "the queued sends went out once a thread was free")
        let shipped = try await held([])
        #expect(shipped.mostAtOnce == 12, "16 by default: all twelve at once")
        #expect(shipped.accepted == 12)
    }

    @Test func theConcurrencyIsBounded() throws {
        let harness = try TestHarness()
        let database = harness.databasePath
        defer { withExtendedLifetime(harness) {} }
        for wrong in ["0", "1025", "many"] {
            #expect(throws: (any Error).self) {
                try ServeOptions.parse(["--database", database, "--sms-concurrency", wrong]).resolve(environment: [:])
            }
        }
        let config = try ServeOptions.parse(["--database", database, "--sms-concurrency", "64"]).resolve(environment: [:])
        #expect(config.delivery.concurrency == 64)
    }
}
