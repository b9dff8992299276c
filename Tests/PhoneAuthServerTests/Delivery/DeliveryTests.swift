import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// Retries, deadlines and failover, against real HTTP receivers on loopback through libcurl.
@Suite struct DeliveryTests {
    typealias Answer = WebhookReceiver.Answer

    /// Records requested waits instead of sleeping, so backoff is checked without slowing the suite.
    final class SleepRecorder: Sendable {
        private let waits = Locked<[Duration]>([])
        var recorded: [Duration] { waits.withLock { $0 } }
        var sleep: @Sendable (Duration) async throws -> Void { { [self] duration in waits.withLock { $0.append(duration) } } }
    }

    static func dispatcher(
        _ urls: [String], policy: DeliveryPolicy = DeliveryPolicy(), sleeper: SleepRecorder = SleepRecorder()
    ) -> FailoverDispatcher {
        FailoverDispatcher(
            providers: urls.map { WebhookSMSProvider(url: $0, secret: "s", client: .isolated()) }, policy: policy, sleep: sleeper.sleep
        )
    }

    static func message() throws -> CodeMessage {
        CodeMessage(to: try PhoneNumber(parsing: "+13125550100"), body: "482913 is your code.", code: "482913")
    }

    static let logger = Logger(label: "test")

    @Test func a500IsRetriedAndTheSecondAttemptDelivers() async throws {
        let receiver = WebhookReceiver(script: [Answer(status: .internalServerError)])
        try await receiver.run { base in
            try await Self.dispatcher([base + "/scripted"]).send(try Self.message(), logger: Self.logger)
        }
        #expect(receiver.scriptedAttempts == 2)
        #expect(Set(receiver.messages.map(\.body)).count == 1)  // the same message, so the same code, each time
    }

    @Test func a429WaitsAtLeastItsRetryAfter() async throws {
        let receiver = WebhookReceiver(script: [Answer(status: .tooManyRequests, retryAfter: 2)])
        let sleeper = SleepRecorder()
        try await receiver.run { base in
            try await Self.dispatcher([base + "/scripted"], sleeper: sleeper).send(try Self.message(), logger: Self.logger)
        }
        #expect(receiver.scriptedAttempts == 2)
        #expect(sleeper.recorded.count == 1)
        #expect(sleeper.recorded.first.map { $0 >= .seconds(2) } == true)
    }

    @Test func backoffGrowsBetweenAttemptsAndStopsAtThree() async throws {
        let failures = Array(repeating: Answer(status: .badGateway), count: 5)
        let receiver = WebhookReceiver(script: failures)
        let sleeper = SleepRecorder()
        let policy = DeliveryPolicy(baseBackoff: .milliseconds(100), maxBackoff: .seconds(5))
        try await receiver.run { base in
            await #expect(throws: AppError.smsUnavailable.retrying(after: 30)) {
                try await Self.dispatcher([base + "/scripted"], policy: policy, sleeper: sleeper).send(try Self.message(), logger: Self.logger)
            }
        }
        #expect(receiver.scriptedAttempts == 3)
        #expect(sleeper.recorded.count == 2)
        #expect(sleeper.recorded.allSatisfy { $0 > .zero })
        #expect(sleeper.recorded[0] <= .milliseconds(101))
        #expect(sleeper.recorded[1] <= .milliseconds(201))
    }

    @Test(arguments: [HTTPResponse.Status.badRequest, .unauthorized, .forbidden, .notFound, .unprocessableContent])
    func a4xxIsNeverRetried(status: HTTPResponse.Status) async throws {
        let receiver = WebhookReceiver(script: [Answer(status: status)])
        try await receiver.run { base in
            await #expect(throws: AppError.self) {
                try await Self.dispatcher([base + "/scripted"]).send(try Self.message(), logger: Self.logger)
            }
        }
        #expect(receiver.scriptedAttempts == 1)
    }

    @Test func aRefusedConnectionIsRetriedThenReported() async throws {
        let sleeper = SleepRecorder()
        await #expect(throws: AppError.smsUnavailable.retrying(after: 30)) {
            try await Self.dispatcher(["http://127.0.0.1:1/x"], sleeper: sleeper).send(try Self.message(), logger: Self.logger)
        }
        #expect(sleeper.recorded.count == 2)  // three attempts, two waits
    }

    @Test func aProviderThatFailsForGoodHandsOverToTheNext() async throws {
        let first = WebhookReceiver(script: Array(repeating: Answer(status: .serviceUnavailable), count: 3))
        let second = WebhookReceiver()
        try await first.run { firstBase in
            try await second.run { secondBase in
                try await Self.dispatcher([firstBase + "/scripted", secondBase + "/ok"]).send(try Self.message(), logger: Self.logger)
            }
        }
        #expect(first.scriptedAttempts == 3)
        #expect(second.messages.count == 1)
    }

    @Test func aRejectingProviderHandsOverAtOnce() async throws {
        let first = WebhookReceiver(script: [Answer(status: .unauthorized)])
        let second = WebhookReceiver()
        try await first.run { firstBase in
            try await second.run { secondBase in
                try await Self.dispatcher([firstBase + "/scripted", secondBase + "/ok"]).send(try Self.message(), logger: Self.logger)
            }
        }
        #expect(first.scriptedAttempts == 1)
        #expect(second.messages.count == 1)
    }

    @Test func theBudgetBoundsAProviderThatNeverAnswers() async throws {
        // Each attempt is cut at 300 ms and the last one at what is left of the 550 ms budget: two attempts at most.
        let receiver = WebhookReceiver(script: Array(repeating: Answer(delay: .seconds(3)), count: 3))
        let policy = DeliveryPolicy(attemptTimeout: .milliseconds(300), providerBudget: .milliseconds(550), baseBackoff: .milliseconds(1))
        try await receiver.run { base in
            await #expect(throws: AppError.smsUnavailable.retrying(after: 30)) {
                try await Self.dispatcher([base + "/scripted"], policy: policy).send(try Self.message(), logger: Self.logger)
            }
        }
        #expect((1...2).contains(receiver.scriptedAttempts))
    }

    /// The first attempt times out but is delivered late; the retry is delivered too. Both carry the stored code, so
    /// whichever the user reads signs them in.
    @Test func aLateDeliveryStillCarriesTheLiveCode() async throws {
        let receiver = WebhookReceiver(script: [Answer(delay: .milliseconds(800))])
        try await receiver.run { base in
            let harness = try TestHarness { config in
                config.smsProviders = [.webhook]
                config.webhook = .init(url: base + "/scripted", secret: "s")
                config.delivery = DeliveryPolicy(attemptTimeout: .milliseconds(300), baseBackoff: .milliseconds(1))
            }
            try await harness.test { client in
                let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
                #expect(sent.status == .accepted)
                // Wait for the late first delivery to land as well.
                for _ in 0..<200 where receiver.messages.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
                #expect(receiver.messages.count == 2)
                #expect(Set(receiver.messages.map(\.body)).count == 1)
                let code = try #require(receiver.lastCode)
                let verified = try await client.request(.post, "/auth/verify-code", json: ["phone": "+13125550100", "verification_code": code])
                #expect(verified.status == .ok)
            }
        }
    }
}
