import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// A server process whose providers call it back over real HTTP: each receipt reaches the URL the provider got with
/// the message (Telegram's `callback_url`, Twilio's `StatusCallback`) or the webhook configured for the app (WhatsApp),
/// signed by the provider's scheme; a forged one is refused; a failed SMS lets the next send switch channel at once.
@Suite struct ReceiptCallbackTests {
    @Test(arguments: Backend.all)
    func providersReportDeliveriesToAServerProcess(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let (twilio, whatsapp, telegram, receiver) = (TwilioFake(), WhatsAppFake(), TelegramFake(), WebhookReceiver())
        try await receiver.run { webhook in
            try await twilio.run { twilioBase in
                try await whatsapp.run { whatsappBase in
                    try await telegram.run { telegramBase in
                        let port = try MotoServer.freePort()
                        let publicURL = "http://127.0.0.1:\(port)"
                        let instance = try await Instance.start(
                            database: harness.databaseURL, webhook: webhook,
                            extra: [
                                "--sms", "twilio", "--twilio-account-sid", TwilioFake.accountSID, "--twilio-auth-token", TwilioFake.authToken,
                                "--twilio-from", "+15005550006", "--twilio-base-url", twilioBase, "--voice-from", "+15005550006",
                                "--whatsapp-phone-number-id", WhatsAppFake.phoneNumberID, "--whatsapp-access-token", WhatsAppFake.accessToken,
                                "--whatsapp-template", WhatsAppFake.template, "--whatsapp-base-url", whatsappBase + "/v21.0",
                                "--whatsapp-app-secret", WhatsAppFake.appSecret, "--whatsapp-verify-token", WhatsAppFake.verifyToken,
                                "--telegram-token", TelegramFake.token, "--telegram-base-url", telegramBase,
                                "--channels", "kg=telegram,whatsapp,sms", "--channels", "us=sms,voice", "--public-url", publicURL,
                            ],
                            port: port)
                        try await Instance.stopping([instance]) {
                            try await Self.exercise(
                                instance, harness: harness, publicURL: publicURL, twilio: twilio, whatsapp: whatsapp, telegram: telegram)
                        }
                    }
                }
            }
        }
    }

    private static func state(_ harness: TestHarness, _ messageID: String) async throws -> [String] {
        try await harness.sql.strings("SELECT state || ':' || COALESCE(error_code, '-') FROM deliveries WHERE message_id = '\(messageID)'")
    }

    private static func exercise(
        _ instance: Instance, harness: TestHarness, publicURL: String, twilio: TwilioFake, whatsapp: WhatsAppFake, telegram: TelegramFake
    ) async throws {
        // Telegram: the report goes to the callback_url the send carried, signed with the token's hash.
        let sent = try await instance.request("POST", "/auth/send-code", json: ["phone": "+996555100001"])
        #expect(sent.status == 202)
        let byTelegram = try #require(telegram.messages.first)
        let callback = try #require(byTelegram.callbackURL)
        #expect(callback == publicURL + "/receipts/telegram")
        let report = TelegramFake.report(requestID: byTelegram.requestID, status: "delivered")
        let reported = try await ProviderCallback.post(
            callback, body: report.body,
            headers: ["Content-Type: application/json", "X-Request-Timestamp: \(report.timestamp)", "X-Request-Signature: \(report.signature)"])
        #expect(reported == 200)
        #expect(try await state(harness, byTelegram.requestID) == ["delivered:-"])
        // The person signs in with it (which also earns the range room for more unverified sends).
        let verification = try #require(sent.json["verification_id"] as? String)
        let signedIn = try await instance.request(
            "POST", "/auth/verify-code", json: ["verification_id": verification, "verification_code": byTelegram.code])
        #expect(signedIn.status == 200)

        // WhatsApp: status webhooks to the app's webhook, signed with the app secret; a forged one changes nothing.
        let named = try await instance.request("POST", "/auth/send-code", json: ["phone": "+996555100002", "channel": "whatsapp"])
        #expect(named.status == 202)
        let byWhatsApp = try #require(whatsapp.messages.first)
        let forged = WhatsAppFake.statusNotification(id: byWhatsApp.id, status: "failed", errorCode: 131026, secret: "not-the-app-secret")
        let refused = try await ProviderCallback.post(
            publicURL + "/receipts/whatsapp", body: forged.body,
            headers: ["Content-Type: application/json", "X-Hub-Signature-256: \(forged.signature)"])
        #expect(refused == 403)
        #expect(try await state(harness, byWhatsApp.id) == ["sent:-"])
        let read = WhatsAppFake.statusNotification(id: byWhatsApp.id, status: "read")
        let accepted = try await ProviderCallback.post(
            publicURL + "/receipts/whatsapp", body: read.body, headers: ["Content-Type: application/json", "X-Hub-Signature-256: \(read.signature)"])
        #expect(accepted == 200)
        #expect(try await state(harness, byWhatsApp.id) == ["read:-"])

        // Twilio SMS: the StatusCallback the message was sent with, signed over that URL and the fields; undelivered
        // lets the very next send go by the market's next channel, with no cooldown to wait.
        let bySMS = try await instance.request("POST", "/auth/send-code", json: ["phone": "+996555100003", "channel": "sms"])
        #expect(bySMS.status == 202)
        let text = try #require(twilio.messages.first)
        let statusCallback = try #require(text.statusCallback)
        let undelivered = TwilioFake.statusCallback(
            url: statusCallback, [("MessageSid", text.sid), ("MessageStatus", "undelivered"), ("ErrorCode", "30003")])
        let posted = try await ProviderCallback.post(
            statusCallback, body: undelivered.body,
            headers: ["Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: \(undelivered.signature)"])
        #expect(posted == 200)
        #expect(try await state(harness, text.sid) == ["undelivered:30003"])
        let switched = try await instance.request("POST", "/auth/send-code", json: ["phone": "+996555100003"])
        #expect(switched.status == 202)
        #expect(switched.json["channel"] as? String == "telegram")

        // Twilio voice: a call nobody answered is a failed delivery.
        #expect(try await instance.request("POST", "/auth/send-code", json: ["phone": "+13125550100", "channel": "voice"]).status == 202)
        let call = try #require(twilio.calls.first)
        let callCallback = try #require(call.statusCallback)
        let noAnswer = TwilioFake.statusCallback(url: callCallback, [("CallSid", call.sid), ("CallStatus", "no-answer")])
        let callPosted = try await ProviderCallback.post(
            callCallback, body: noAnswer.body,
            headers: ["Content-Type: application/x-www-form-urlencoded", "X-Twilio-Signature: \(noAnswer.signature)"])
        #expect(callPosted == 200)
        #expect(try await state(harness, call.sid) == ["failed:no-answer"])
    }
}
