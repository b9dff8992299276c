import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// SNS against moto's real SNS implementation on loopback, SigV4 signed by libcurl.
@Suite struct SNSProviderTests {
    static let limits = AttemptLimits(connectTimeout: .seconds(2), timeout: .seconds(10))

    static func provider(
        _ moto: MotoServer, key: String = "AKIAIOSFODNN7EXAMPLE", secret: String = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    ) -> SNSSMSProvider {
        SNSSMSProvider(
            config: .init(region: "us-east-1", accessKeyID: key, secretAccessKey: secret, endpoint: moto.endpoint + "/"), client: .isolated())
    }

    @Test func sendCodeThroughSNSDeliversTheCode() async throws {
        try await MotoServer.with { moto in
            let harness = try TestHarness { config in
                config.smsProviders = [.sns]
                config.sns = .init(
                    region: "us-east-1", accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "secret/with+chars", endpoint: moto.endpoint + "/")
            }
            try await harness.test { client in
                let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+996 555 123 456"])
                #expect(sent.status == .accepted)
                let recorded = try await moto.sentSMS()
                #expect(recorded.count == 1)
                #expect(recorded.first?.phone == "+996555123456")
                let text = try #require(recorded.first?.message)
                #expect(text.contains("PhoneAuth"))  // Russian text for kg, with spaces and Cyrillic: the signed form encoding held
                let code = try #require(text.firstMatch(of: /[0-9]{6}/)).output
                let verified = try await client.request(
                    .post, "/auth/verify-code", json: ["phone": "+996555123456", "verification_code": String(code)])
                #expect(verified.status == .ok)
            }
            try await moto.reset()
            #expect(try await moto.sentSMS().isEmpty)
        }
    }

    @Test func publishReturnsMotosMessageID() async throws {
        try await MotoServer.with { moto in
            let message = CodeMessage(to: try PhoneNumber(parsing: "+13125550100"), body: "Code: 123456 (valid 5 min) & more", code: "123456")
            let id = try await Self.provider(moto).send(message, limits: Self.limits)
            #expect(id?.isEmpty == false)
            #expect(try await moto.sentSMS().map(\.message) == ["Code: 123456 (valid 5 min) & more"])
        }
    }

    @Test func aTooLongMessageIsRejectedNotRetriedAsTransient() async throws {
        try await MotoServer.with { moto in
            let message = CodeMessage(to: try PhoneNumber(parsing: "+13125550100"), body: String(repeating: "x", count: 1700), code: "1")
            await #expect(throws: DeliveryFailure.rejected("sns InvalidParameter")) {
                try await Self.provider(moto).send(message, limits: Self.limits)
            }
        }
    }

    @Test func aPlainTwoHundredWithoutPublishResponseIsNotSuccess() async throws {
        // Unsigned, moto cannot tell which service is meant and answers 200 with something else.
        let receiver = WebhookReceiver()
        try await receiver.run { base in
            let provider = SNSSMSProvider(
                config: .init(region: "us-east-1", accessKeyID: "a", secretAccessKey: "b", endpoint: base + "/ok"), client: .isolated())
            let message = CodeMessage(to: try PhoneNumber(parsing: "+13125550100"), body: "x", code: "1")
            await #expect(throws: DeliveryFailure.rejected("sns answered 200 without a PublishResponse")) {
                try await provider.send(message, limits: Self.limits)
            }
        }
    }

    /// moto checks signatures once its first three (setup) calls are spent: our SigV4 must be accepted and a wrong secret refused.
    @Test func signaturesAreCheckedInAuthenticatedMode() async throws {
        try await MotoServer.with(noAuthActions: 3) { moto in
            _ = try await moto.iam([("Action", "CreateUser"), ("UserName", "phoneauth")])
            let created = try await moto.iam([("Action", "CreateAccessKey"), ("UserName", "phoneauth")])
            let key = try #require(SNSSMSProvider.element("AccessKeyId", in: created))
            let secret = try #require(SNSSMSProvider.element("SecretAccessKey", in: created))
            let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sns:Publish","Resource":"*"}]}"#
            _ = try await moto.iam([("Action", "PutUserPolicy"), ("UserName", "phoneauth"), ("PolicyName", "publish"), ("PolicyDocument", policy)])

            let message = CodeMessage(to: try PhoneNumber(parsing: "+13125550100"), body: "654321 is your code", code: "654321")
            let id = try await Self.provider(moto, key: key, secret: secret).send(message, limits: Self.limits)
            #expect(id?.isEmpty == false)
            await #expect(throws: DeliveryFailure.rejected("sns SignatureDoesNotMatch (authentication)")) {
                try await Self.provider(moto, key: key, secret: secret + "x").send(message, limits: Self.limits)
            }
            await #expect(throws: DeliveryFailure.rejected("sns InvalidClientTokenId (authentication)")) {
                try await Self.provider(moto, key: "AKIAUNKNOWNKEY000000", secret: secret).send(message, limits: Self.limits)
            }
            #expect(try await moto.sentSMS().count == 1)
        }
    }
}
