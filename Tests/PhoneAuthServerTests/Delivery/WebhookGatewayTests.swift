import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

@Suite struct WebhookGatewayTests {
    static let secret = "webhook-signing-secret"

    /// The webhook behind a dispatcher that tries once, as send-code would with `--sms-max-attempts 1`.
    static func gateway(_ url: String, timeout: Duration = .seconds(5)) -> FailoverDispatcher {
        let policy = DeliveryPolicy(connectTimeout: .seconds(1), attemptTimeout: timeout, maxAttempts: 1)
        return FailoverDispatcher(providers: [WebhookSMSProvider(url: url, secret: secret, client: .isolated())], policy: policy)
    }

    static func message() throws -> CodeMessage {
        CodeMessage(to: try PhoneNumber(parsing: "+13125550100"), body: "123456 is your PhoneAuth sign-in code.", code: "123456")
    }

    static func webhookHarness(_ url: String, timeout: Duration = .seconds(5)) throws -> TestHarness {
        try TestHarness { config in
            config.smsProviders = [.webhook]
            config.webhook = .init(url: url, secret: secret)
            config.delivery = DeliveryPolicy(connectTimeout: .seconds(1), attemptTimeout: timeout, maxAttempts: 1)
        }
    }

    @Test func postsSignedJSONToTheReceiver() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            try await Self.gateway(base + "/ok").send(try Self.message(), logger: Logger(label: "test"))
        }
        let received = try #require(receiver.messages.first)
        let json = try #require(try JSONSerialization.jsonObject(with: received.body) as? [String: String])
        #expect(json == ["channel": "sms", "to": "+13125550100", "body": "123456 is your PhoneAuth sign-in code."])
        #expect(received.signature == WebhookSMSProvider.signature(of: received.body, secret: Self.secret))
        #expect(received.signature?.hasPrefix("sha256=") == true)
        #expect(received.signature?.count == 7 + 64)
    }

    @Test func aServerErrorIsAFailedSend() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            await #expect(throws: AppError.smsUnavailable.retrying(after: 30)) {
                try await Self.gateway(base + "/fail").send(try Self.message(), logger: Logger(label: "test"))
            }
        }
    }

    @Test func aRefusedConnectionIsAFailedSend() async throws {
        // Port 1 on loopback: nothing listens there.
        await #expect(throws: AppError.smsUnavailable.retrying(after: 30)) {
            try await Self.gateway("http://127.0.0.1:1/ok").send(try Self.message(), logger: Logger(label: "test"))
        }
    }

    @Test func aReceiverSlowerThanTheDeadlineIsAFailedSend() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            // libcurl itself reports the deadline: the attempt was cut off, not answered late.
            do {
                _ = try await CurlClient.isolated().perform(CurlRequest(url: base + "/slow", timeout: .milliseconds(500)))
                Issue.record("a 3 s answer beat a 500 ms deadline")
            } catch let error as CurlError {
                #expect(error.isTimeout)
            }
            await #expect(throws: AppError.smsUnavailable.retrying(after: 30)) {
                try await Self.gateway(base + "/slow", timeout: .milliseconds(500)).send(try Self.message(), logger: Logger(label: "test"))
            }
        }
    }

    @Test func signInThroughTheWebhookEndToEnd() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let harness = try Self.webhookHarness(base + "/ok")
            try await harness.test(.live) { client in
                let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
                #expect(sent.status == .accepted)
                let code = try #require(receiver.lastCode)
                let verified = try await client.request(.post, "/auth/verify-code", json: ["phone": "+13125550100", "verification_code": code])
                #expect(verified.status == .ok)
            }
        }
    }

    @Test(arguments: ["/fail", "/slow"])
    func aFailedSendIs503AndLeavesNoUsableCode(path: String) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let harness = try Self.webhookHarness(base + path, timeout: .milliseconds(500))
            try await harness.test { client in
                let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
                #expect(sent.status == .serviceUnavailable)
                #expect(sent.errorCode == "sms_unavailable")
                #expect(sent.headers[.retryAfter] != nil)
                let codes = try await harness.sql.verifications().count
                #expect(codes == 0)
            }
        }
    }

    @Test func aSlowReceiverDoesNotSlowOtherRequests() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let harness = try Self.webhookHarness(base + "/slow", timeout: .seconds(2))
            try await harness.test(.ahc(.http)) { client in
                async let slowSend = client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
                for _ in 0..<500 where receiver.slowRequestsArrived == 0 { try await Task.sleep(for: .milliseconds(10)) }
                try #require(receiver.slowRequestsArrived == 1)
                // The send is now blocked inside libcurl; health checks and other sign-ins still get through.
                for _ in 0..<10 {
                    #expect(try await client.request(.get, "/health").status == .ok)
                }
                let other = try await client.request(.post, "/auth/send-code", json: ["phone": "+44 20 7946 0958"])
                #expect(other.status == .forbidden)
                #expect(receiver.slowRequestsArrived == 1)
                #expect(try await slowSend.status == .serviceUnavailable)
            }
        }
    }
}
