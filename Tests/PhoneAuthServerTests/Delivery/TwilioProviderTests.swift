import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

@Suite struct TwilioProviderTests {
    static func harness(
        _ base: String, token: String = TwilioFake.authToken, providers: [AppConfig.SMSProviderKind] = [.twilio]
    ) throws -> TestHarness {
        try TestHarness { config in
            config.smsProviders = providers
            config.twilio = .init(accountSID: TwilioFake.accountSID, authToken: token, from: "+15005550006", baseURL: base)
            config.delivery = DeliveryPolicy(baseBackoff: .milliseconds(1))
        }
    }

    @Test func aQueuedMessageCarriesTheCode() async throws {
        let twilio = TwilioFake()
        try await twilio.run { base in
            let harness = try Self.harness(base)
            try await harness.test { client in
                let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+1 312 555 0100"])
                #expect(sent.status == .accepted)
                let message = try #require(twilio.messages.first)
                #expect(message.to == "+13125550100")
                #expect(message.from == "+15005550006")
                let code = try #require(message.body.firstMatch(of: /[0-9]{6}/)).output
                let verified = try await client.request(
                    .post, "/auth/verify-code", json: ["phone": "+13125550100", "verification_code": String(code)])
                #expect(verified.status == .ok)
            }
        }
    }

    /// Each market's sender: an alphanumeric id where the country shows one (kg), a messaging service of registered
    /// numbers where carriers require one (us, 10DLC); a market left out gets the provider's default.
    @Test func eachMarketTextsFromItsOwnSender() async throws {
        let twilio = TwilioFake()
        try await twilio.run { base in
            let harness = try TestHarness { config in
                config.smsProviders = [.twilio]
                config.twilio = .init(accountSID: TwilioFake.accountSID, authToken: TwilioFake.authToken, from: "+15005550006", baseURL: base)
                config.smsSenders = try! SMSSender.table(parsing: ["kg=PhoneAuth", "us=MG0123456789abcdef0123456789abcdef"], markets: .builtIn)
            }
            try await harness.test { (client) async throws -> Void in
                for phone in ["+996555123456", "+13125550100"] {
                    #expect(try await client.request(.post, "/auth/send-code", json: ["phone": phone]).status == .accepted)
                }
            }
            let kg = try #require(twilio.messages.first { $0.to == "+996555123456" })
            #expect(kg.from == "PhoneAuth" && kg.messagingServiceSID == nil)
            let us = try #require(twilio.messages.first { $0.to == "+13125550100" })
            #expect(us.messagingServiceSID == "MG0123456789abcdef0123456789abcdef" && us.from == nil)
        }
    }

    @Test func aSenderACountryCannotShowIsRefusedAtStartUp() throws {
        #expect(try SMSSender(parsing: "PhoneAuth") == .alphanumeric("PhoneAuth"))
        #expect(try SMSSender(parsing: "+15005550006") == .number("+15005550006"))
        #expect(try SMSSender(parsing: "MG0123456789abcdef0123456789abcdef") == .messagingService("MG0123456789abcdef0123456789abcdef"))
        for bad in ["Phone-Auth!", "PhoneAuthApp1", "123456", "", "+1 500 555"] {
            #expect(throws: ConfigError.self, "\(bad)") { try SMSSender(parsing: bad) }
        }
        let us = #expect(throws: ConfigError.self) { try SMSSender.table(parsing: ["us=PhoneAuth"], markets: .builtIn) }
        #expect(us?.description.contains("10DLC") == true)
        #expect(throws: ConfigError.self) { try SMSSender.table(parsing: ["xx=PhoneAuth"], markets: .builtIn) }
    }

    @Test func aMessagingServiceIsUsedInsteadOfFrom() async throws {
        let twilio = TwilioFake()
        try await twilio.run { base in
            let provider = TwilioSMSProvider(
                config: .init(accountSID: TwilioFake.accountSID, authToken: TwilioFake.authToken, messagingServiceSID: "MG123", baseURL: base),
                client: .isolated()
            )
            let message = CodeMessage(to: try PhoneNumber(parsing: "+13125550100"), body: "111111 is your code.", code: "111111")
            let sid = try await provider.send(message, limits: AttemptLimits(connectTimeout: .seconds(1), timeout: .seconds(5)))
            #expect(sid?.hasPrefix("SM") == true)
            #expect(twilio.messages.first?.messagingServiceSID == "MG123")
            #expect(twilio.messages.first?.from == nil)
        }
    }

    @Test(arguments: [
        ("+15005550001", HTTPResponse.Status.badRequest, "invalid_phone"),
        ("+15005550002", .forbidden, "market_not_supported"),
        ("+15005550003", .forbidden, "market_not_supported"),
    ])
    func twilioErrorsMapToOurs(phone: String, status: HTTPResponse.Status, code: String) async throws {
        let twilio = TwilioFake()
        try await twilio.run { base in
            let harness = try Self.harness(base)
            try await harness.test { client in
                let response = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
                #expect(response.status == status)
                #expect(response.errorCode == code)
                let retry = try await client.request(.post, "/auth/verify-code", json: ["phone": phone, "verification_code": "123456"])
                #expect(retry.errorDetail["attempts_remaining"] == nil)  // no code was left behind
            }
        }
        #expect(twilio.requestCount == 1)  // a 4xx is never retried
    }

    @Test func aThrottledSendIsRetriedAfterItsRetryAfter() async throws {
        let twilio = TwilioFake()
        try await twilio.run { base in
            let harness = try Self.harness(base)
            try await harness.test { client in
                let response = try await client.request(.post, "/auth/send-code", json: ["phone": "+15005550009"])
                #expect(response.status == .accepted)
            }
        }
        #expect(twilio.requestCount == 2)
        #expect(twilio.messages.count == 1)
    }

    @Test func badCredentialsAre503AndNeverRetried() async throws {
        let twilio = TwilioFake()
        try await twilio.run { base in
            let harness = try Self.harness(base, token: "wrong-token")
            try await harness.test { client in
                let response = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
                #expect(response.status == .serviceUnavailable)
                #expect(response.errorCode == "sms_unavailable")
                #expect(response.headers[.retryAfter] != nil)
            }
        }
        #expect(twilio.requestCount == 1)
    }
}
