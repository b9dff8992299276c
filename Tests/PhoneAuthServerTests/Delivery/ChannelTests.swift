import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// WhatsApp, Telegram and voice beside SMS, each through its real provider over libcurl to a loopback fake that checks
/// every request's shape and credentials.
@Suite struct ChannelTests {
    /// Every provider pointed at its fake; kg offers Telegram, WhatsApp, SMS and voice in that order, us SMS and voice.
    static func configure(_ config: inout AppConfig, twilio: String, whatsapp: String, telegram: String) {
        config.smsProviders = [.twilio]
        config.twilio = .init(accountSID: TwilioFake.accountSID, authToken: TwilioFake.authToken, from: "+15005550006", baseURL: twilio)
        config.voiceFrom = "+15005550006"
        config.whatsapp = .init(
            phoneNumberID: WhatsAppFake.phoneNumberID, accessToken: WhatsAppFake.accessToken, template: WhatsAppFake.template,
            baseURL: whatsapp + "/v21.0")
        config.telegram = .init(token: TelegramFake.token, baseURL: telegram)
        config.channels = ChannelPlan(["kg": [.telegram, .whatsapp, .sms, .voice], "us": [.sms, .voice]])
        config.delivery = DeliveryPolicy(maxAttempts: 1, baseBackoff: .milliseconds(1))
    }

    /// Runs `body` with the three fakes up and a harness on `backend` pointed at them.
    static func withFakes(
        backend: Backend = .sqlite, change: @escaping @Sendable (inout AppConfig) -> Void = { _ in },
        _ body: @escaping @Sendable (TestHarness, TwilioFake, WhatsAppFake, TelegramFake) async throws -> Void
    ) async throws {
        let (twilio, whatsapp, telegram) = (TwilioFake(), WhatsAppFake(), TelegramFake())
        try await twilio.run { twilioBase in
            try await whatsapp.run { whatsappBase in
                try await telegram.run { telegramBase in
                    let harness = try await TestHarness.make(backend) { config in
                        configure(&config, twilio: twilioBase, whatsapp: whatsappBase, telegram: telegramBase)
                        change(&config)
                    }
                    try await body(harness, twilio, whatsapp, telegram)
                }
            }
        }
    }

    static func sendCode(
        _ client: some TestClientProtocol, _ phone: String, channel: String? = nil, language: String? = nil
    )
        async throws -> TestResponse
    {
        var body = ["phone": phone]
        body["channel"] = channel
        body["language"] = language
        return try await client.request(.post, "/auth/send-code", json: body)
    }

    static func verify(_ client: some TestClientProtocol, _ sent: TestResponse, code: String) async throws -> TestResponse {
        try await client.request(
            .post, "/auth/verify-code", json: ["verification_id": sent.json["verification_id"] as! String, "verification_code": code])
    }

    @Test func aUserSignsInThroughEachChannel() async throws {
        try await Self.withFakes { harness, twilio, whatsapp, telegram in
            try await harness.test { client in
                // Telegram: the market's first channel, our own code with its lifetime, after a check of the number.
                let byTelegram = try await Self.sendCode(client, "+996555100001")
                #expect(byTelegram.status == .accepted)
                #expect(byTelegram.json["channel"] as? String == "telegram")
                let offers = try #require(byTelegram.json["channels"] as? [[String: Any]])
                #expect(offers.map { $0["channel"] as? String } == ["whatsapp", "sms", "voice"])
                #expect(offers.allSatisfy { $0["available_in"] as? Int == 0 })  // the harness has no cooldown
                let telegramMessage = try #require(telegram.messages.first)
                #expect(telegramMessage.phone == "+996555100001")
                #expect(telegramMessage.ttl == 300)
                #expect(try await Self.verify(client, byTelegram, code: telegramMessage.code).status == .ok)

                // WhatsApp: the authentication template in the market's language (Russian in kg).
                let byWhatsApp = try await Self.sendCode(client, "+996555100002", channel: "whatsapp")
                #expect(byWhatsApp.json["channel"] as? String == "whatsapp")
                let whatsappMessage = try #require(whatsapp.messages.first)
                #expect(whatsappMessage.to == "+996555100002")
                #expect(whatsappMessage.language == "ru")
                #expect(try await Self.verify(client, byWhatsApp, code: whatsappMessage.code).status == .ok)

                // Voice: a call that says the code twice, in English for a US number.
                let byVoice = try await Self.sendCode(client, "+13125550100", channel: "voice")
                #expect(byVoice.json["channel"] as? String == "voice")
                #expect((byVoice.json["channels"] as? [[String: Any]])?.map { $0["channel"] as? String } == ["sms"])
                let call = try #require(twilio.calls.first)
                #expect(call.to == "+13125550100")
                #expect(call.from == "+15005550006")
                #expect(call.voice == "en-US")
                #expect(try await Self.verify(client, byVoice, code: call.code).status == .ok)

                // SMS, as before.
                let bySMS = try await Self.sendCode(client, "+996555100003", channel: "sms", language: "ky")
                #expect(bySMS.json["channel"] as? String == "sms")
                let text = try #require(twilio.messages.first)
                #expect(text.body.contains("коду"))
                let code = String(try #require(text.body.firstMatch(of: /[0-9]{6}/)).output)
                #expect(try await Self.verify(client, bySMS, code: code).status == .ok)
            }
            #expect(telegram.messages.count == 1)
            #expect(whatsapp.messages.count == 1)
            #expect(twilio.calls.count == 1)
            #expect(twilio.messages.count == 1)
        }
    }

    /// With no channel named, a number the first channels cannot reach gets its code by the next one that can.
    @Test func aNumberWithoutTelegramOrWhatsAppGetsTheNextChannel() async throws {
        try await Self.withFakes { harness, twilio, whatsapp, telegram in
            try await harness.test { client in
                let noTelegram = try await Self.sendCode(client, TelegramFake.notOnTelegram)
                #expect(noTelegram.status == .accepted)
                #expect(noTelegram.json["channel"] as? String == "whatsapp")
                #expect(whatsapp.messages.map(\.to) == [TelegramFake.notOnTelegram])

                // Named, a channel that cannot reach the number is refused, and no code is left behind.
                let named = try await Self.sendCode(client, WhatsAppFake.notOnWhatsApp, channel: "whatsapp")
                #expect(named.status == .unprocessableContent)
                #expect(named.errorCode == "channel_unreachable")
                let unnamed = try await Self.sendCode(client, WhatsAppFake.notOnWhatsApp)
                #expect(unnamed.json["channel"] as? String == "telegram")
            }
            #expect(telegram.messages.map(\.phone) == [WhatsAppFake.notOnWhatsApp])
            #expect(twilio.messages.isEmpty)
        }
    }

    @Test func aChannelTheMarketDoesNotOfferIsRefused() async throws {
        try await Self.withFakes { harness, twilio, whatsapp, _ in
            try await harness.test { client in
                let whatsappInUS = try await Self.sendCode(client, "+13125550100", channel: "whatsapp")
                #expect(whatsappInUS.status == .unprocessableContent)
                #expect(whatsappInUS.errorCode == "channel_not_offered")
                let unknown = try await Self.sendCode(client, "+13125550100", channel: "pigeon")
                #expect(unknown.status == .badRequest)
                #expect(unknown.errorDetail["field"] as? String == "channel")
            }
            #expect(whatsapp.messages.isEmpty)
            #expect(twilio.messages.isEmpty)
        }
    }

    /// A provider that is down answers 503 for its channel; the other channels go on serving.
    @Test func aProviderDownFailsOnlyItsChannel() async throws {
        let closed = try MotoServer.freePort()  // nothing listens there
        try await Self.withFakes(change: { $0.whatsapp?.baseURL = "http://127.0.0.1:\(closed)/v21.0" }) { harness, twilio, _, telegram in
            try await harness.test { client in
                let down = try await Self.sendCode(client, "+996555100004", channel: "whatsapp")
                #expect(down.status == .serviceUnavailable)
                #expect(down.errorCode == "sms_unavailable")
                #expect(down.headers[.retryAfter] != nil)
                let up = try await Self.sendCode(client, "+996555100005", channel: "telegram")
                #expect(up.status == .accepted)
                // Unnamed, a number Telegram cannot reach skips the WhatsApp that is down and gets an SMS.
                let next = try await Self.sendCode(client, TelegramFake.notOnTelegram)
                #expect(next.json["channel"] as? String == "sms")
            }
            #expect(telegram.messages.count == 1)
            #expect(twilio.messages.map(\.to) == [TelegramFake.notOnTelegram])
        }
    }

    /// Every limit and the premium-rate deny list hold for every channel: a voice call to a premium range is the
    /// costliest pumping there is.
    @Test func limitsAndDeniedRangesHoldForEveryChannel() async throws {
        try await Self.withFakes(change: { config in
            config.limits = SendLimits.off
            config.limits.resendCooldown = .seconds(60)
            config.limits.deniedPrefixes = ["+1900"]
        }) { harness, twilio, whatsapp, _ in
            try await harness.test { client in
                let premium = try await Self.sendCode(client, "+19005550100", channel: "voice")
                #expect(premium.status == .forbidden)
                #expect(premium.errorCode == "phone_not_allowed")
                let first = try await Self.sendCode(client, "+996555100006", channel: "whatsapp")
                #expect(first.status == .accepted)
                // Another channel may be asked for once the code is 20 s without a delivered receipt (the cooldown is 60).
                #expect((first.json["channels"] as? [[String: Any]])?.allSatisfy { $0["available_in"] as? Int == 20 } == true)
                let again = try await Self.sendCode(client, "+996555100006", channel: "voice")
                #expect(again.status == .tooManyRequests)
                #expect(again.errorCode == "resend_too_soon")
            }
            #expect(twilio.calls.isEmpty)
            #expect(whatsapp.messages.count == 1)
        }
    }

    @Test func aChannelWithoutItsProviderStopsAProductionServer() throws {
        var config = AppConfig.testing
        config.port = 8080
        config.mode = .production
        config.smsProviders = [.twilio]
        config.twilio = .init(accountSID: TwilioFake.accountSID, authToken: TwilioFake.authToken, from: "+15005550006")
        config.channels = ChannelPlan(["kg": [.whatsapp, .sms]])
        let error = #expect(throws: ConfigError.self) { try config.validate() }
        #expect(error?.description.contains("--whatsapp-phone-number-id") == true)
        config.mode = .development
        config.smsProviders = [.console]
        try config.validate()
        #expect(config.startupWarnings.contains { $0.contains("whatsapp has no provider settings") })
        config.channels = ChannelPlan(["xx": [.sms]])
        #expect(throws: ConfigError.self) { try config.validate() }
        #expect(throws: ConfigError.self) { try ChannelPlan(parsing: ["kg=telegram,telegram"]) }
        #expect(throws: ConfigError.self) { try ChannelPlan(parsing: ["kg=fax"]) }
        #expect(try ChannelPlan(parsing: ["kg=telegram,sms", "us=sms,voice"]).channels(for: "kg") == [.telegram, .sms])
    }

    @Test func theCallsTwiMLEscapesTheAppName() throws {
        let texts = try MessageTexts(appName: "Q&A <Bank>")
        let script = texts.voice(code: "123456", language: .english)
        let message = CodeMessage(
            to: try PhoneNumber(parsing: "+13125550100"), body: script.sentence, code: "123456", channel: .voice, voice: script.voice)
        let twiml = TwilioVoiceProvider.twiml(message)
        #expect(twiml.contains("Q&amp;A &lt;Bank&gt;"))
        #expect(twiml.contains(#"<Say language="en-US">"#))
    }
}
