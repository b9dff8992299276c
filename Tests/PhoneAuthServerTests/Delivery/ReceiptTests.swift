import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Delivery receipts: signed by each provider's scheme, applied once, and what they say lets the next channel go.
@Suite struct ReceiptTests {
    static let publicURL = "https://auth.example.com"

    /// Receipts on, the shipped 60-second cooldown, and a delivery timeout of 20 seconds.
    static func receiving(_ config: inout AppConfig) {
        config.publicURL = publicURL
        config.whatsappReceipts = .init(appSecret: WhatsAppFake.appSecret, verifyToken: WhatsAppFake.verifyToken)
        config.limits = SendLimits.off
        config.limits.resendCooldown = .seconds(60)
        config.deliveryTimeout = .seconds(20)
    }

    private static func post(
        _ client: some TestClientProtocol, _ path: String, _ body: String, _ headers: [String: String], form: Bool = false
    ) async throws -> TestResponse {
        var fields = HTTPFields()
        fields[.contentType] = form ? "application/x-www-form-urlencoded" : "application/json"
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(string: body))
    }

    private static func whatsapp(
        _ client: some TestClientProtocol, id: String, status: String, errorCode: Int? = nil, secret: String = WhatsAppFake.appSecret
    )
        async throws -> TestResponse
    {
        let receipt = WhatsAppFake.statusNotification(id: id, status: status, errorCode: errorCode, secret: secret)
        return try await post(client, "/receipts/whatsapp", receipt.body, ["X-Hub-Signature-256": receipt.signature])
    }

    private static func state(_ harness: TestHarness, messageID: String) async throws -> [String] {
        try await harness.sql.strings(
            """
            SELECT state || ':' || COALESCE(error_code, '-') || ':' || CASE WHEN delivered_at IS NULL THEN 'false' ELSE 'true' END
            FROM deliveries WHERE message_id = '\(messageID)'
            """)
    }

    @Test(arguments: Backend.all)
    func aReceiptIsAppliedOnceHoweverOftenItComes(backend: Backend) async throws {
        try await ChannelTests.withFakes(backend: backend, change: Self.receiving) { harness, _, whatsapp, _ in
            try await harness.test { client in
                #expect(try await ChannelTests.sendCode(client, "+996555100010", channel: "whatsapp").status == .accepted)
                let id = try #require(whatsapp.messages.first?.id)
                #expect(try await Self.state(harness, messageID: id) == ["sent:-:false"])
                for _ in 0..<3 {
                    let delivered = try await Self.whatsapp(client, id: id, status: "delivered")
                    #expect(delivered.status == .ok)
                    #expect(delivered.json["receipts"] as? Int == 1)
                }
                // Older news changes nothing: a `sent` after `delivered`.
                #expect(try await Self.whatsapp(client, id: id, status: "sent").status == .ok)
                #expect(try await Self.state(harness, messageID: id) == ["delivered:-:true"])
                let metrics = PrometheusText(String(buffer: try await client.request(.get, "/metrics").body))
                #expect(metrics.value("phoneauth_delivery_receipts_total", ["channel": "whatsapp", "status": "delivered"]) == 1)
                #expect(metrics.value("phoneauth_delivery_receipts_total", ["channel": "voice", "status": "failed"]) == 0)
                #expect(metrics.value("phoneauth_messages_sent_total", ["channel": "whatsapp", "market": "kg"]) == 1)
            }
        }
    }

    /// A receipt whose signature does not hold is 403 and changes nothing; so is one signed long ago (a replay); a
    /// network that keeps forging is turned away.
    @Test(arguments: Backend.all)
    func aForgedOrReplayedReceiptChangesNothing(backend: Backend) async throws {
        try await ChannelTests.withFakes(backend: backend, change: Self.receiving) { harness, twilio, whatsapp, telegram in
            try await harness.test { client in
                _ = try await ChannelTests.sendCode(client, "+996555100011", channel: "whatsapp")
                _ = try await ChannelTests.sendCode(client, "+996555100012", channel: "telegram")
                _ = try await ChannelTests.sendCode(client, "+13125550111", channel: "sms")
                let (whatsappID, telegramID, sid) = (whatsapp.messages[0].id, telegram.messages[0].requestID, twilio.messages[0].sid)

                let forged = try await Self.whatsapp(client, id: whatsappID, status: "failed", secret: "not-the-app-secret")
                #expect(forged.status == .forbidden)
                #expect(forged.errorCode == "invalid_signature")
                let unsigned = try await Self.post(
                    client, "/receipts/whatsapp", WhatsAppFake.statusNotification(id: whatsappID, status: "failed").body, [:])
                #expect(unsigned.status == .forbidden)

                let now = Int(harness.clock.now.timeIntervalSince1970)
                let old = TelegramFake.report(requestID: telegramID, status: "expired", at: now - 600)
                let replayed = try await Self.post(
                    client, "/receipts/telegram", old.body, ["X-Request-Timestamp": old.timestamp, "X-Request-Signature": old.signature])
                #expect(replayed.status == .forbidden)
                let wrongKey = TelegramFake.report(requestID: telegramID, status: "expired", at: now, token: "another-token")
                #expect(
                    try await Self.post(
                        client, "/receipts/telegram", wrongKey.body,
                        ["X-Request-Timestamp": wrongKey.timestamp, "X-Request-Signature": wrongKey.signature]
                    ).status == .forbidden)

                // Signed for another URL (as a receipt meant for another server would be).
                let elsewhere = TwilioFake.statusCallback(
                    url: "https://evil.example/receipts/twilio", [("MessageSid", sid), ("MessageStatus", "failed")])
                #expect(
                    try await Self.post(client, "/receipts/twilio", elsewhere.body, ["X-Twilio-Signature": elsewhere.signature], form: true).status
                        == .forbidden)

                #expect(try await harness.sql.strings("SELECT state FROM deliveries ORDER BY id") == ["sent", "sent", "sent"])
                for _ in 0..<20 { _ = try await Self.whatsapp(client, id: whatsappID, status: "failed", secret: "x") }
                let turnedAway = try await Self.whatsapp(client, id: whatsappID, status: "delivered")
                #expect(turnedAway.status == .tooManyRequests)
                #expect(turnedAway.headers[.retryAfter] != nil)
            }
        }
    }

    @Test func aReceiptForAnUnknownMessageIsAcknowledgedAndIgnored() async throws {
        try await ChannelTests.withFakes(change: Self.receiving) { harness, _, _, _ in
            try await harness.test { client in
                let unknown = try await Self.whatsapp(client, id: "wamid.unknown", status: "delivered")
                #expect(unknown.status == .ok)
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM deliveries") == 0)
                let notJSON = try await Self.post(
                    client, "/receipts/whatsapp", "[]", ["X-Hub-Signature-256": WhatsAppFake.statusNotification(id: "x", status: "sent").signature])
                #expect(notJSON.status == .forbidden)  // the signature covers another body
            }
        }
    }

    /// Meta's subscription check echoes the challenge only for our verify token.
    @Test func theWhatsAppHandshakeEchoesTheChallengeForOurToken() async throws {
        try await ChannelTests.withFakes(change: Self.receiving) { harness, _, _, _ in
            try await harness.test { client in
                let query = "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
                let good = try await client.request(.get, "/receipts/whatsapp?" + query + WhatsAppFake.verifyToken)
                #expect(good.status == .ok)
                #expect(String(buffer: good.body) == "1158201444")
                let bad = try await client.request(.get, "/receipts/whatsapp?" + query + "guess")
                #expect(bad.status == .forbidden)
            }
        }
    }

    /// A code reported failed lets the next send go to the next channel at once; a delivered one does not.
    @Test(arguments: Backend.all)
    func aFailedReceiptLetsTheNextChannelGoAtOnce(backend: Backend) async throws {
        try await ChannelTests.withFakes(backend: backend, change: Self.receiving) { harness, twilio, whatsapp, _ in
            try await harness.test { client in
                let first = try await ChannelTests.sendCode(client, "+996555100013", channel: "whatsapp")
                #expect(first.status == .accepted)
                let tooSoon = try await ChannelTests.sendCode(client, "+996555100013")
                #expect(tooSoon.errorCode == "resend_too_soon")
                #expect(try await Self.whatsapp(client, id: whatsapp.messages[0].id, status: "failed", errorCode: 131026).status == .ok)
                #expect(try await Self.state(harness, messageID: whatsapp.messages[0].id) == ["failed:131026:false"])
                // The same channel still waits; the next one (SMS, after WhatsApp in kg) goes at once.
                #expect(try await ChannelTests.sendCode(client, "+996555100013", channel: "whatsapp").errorCode == "resend_too_soon")
                let next = try await ChannelTests.sendCode(client, "+996555100013")
                #expect(next.status == .accepted)
                #expect(next.json["channel"] as? String == "sms")
                #expect(twilio.messages.map(\.to) == ["+996555100013"])
                // The SMS is delivered: nothing more until the cooldown has passed.
                let sid = twilio.messages[0].sid
                let delivered = TwilioFake.statusCallback(
                    url: Self.publicURL + "/receipts/twilio", [("MessageSid", sid), ("MessageStatus", "delivered")])
                #expect(
                    try await Self.post(client, "/receipts/twilio", delivered.body, ["X-Twilio-Signature": delivered.signature], form: true).status
                        == .ok)
                harness.clock.advance(by: 30)
                #expect(try await ChannelTests.sendCode(client, "+996555100013", channel: "voice").errorCode == "resend_too_soon")
                #expect(twilio.messages[0].statusCallback == Self.publicURL + "/receipts/twilio")
            }
        }
    }

    /// No receipt within the delivery timeout counts as not delivered.
    @Test(arguments: Backend.all)
    func noReceiptWithinTheTimeoutLetsTheNextChannelGo(backend: Backend) async throws {
        try await ChannelTests.withFakes(backend: backend, change: Self.receiving) { harness, _, whatsapp, telegram in
            try await harness.test { client in
                let first = try await ChannelTests.sendCode(client, "+996555100014")
                #expect(first.json["channel"] as? String == "telegram")
                #expect(telegram.messages.first?.callbackURL == Self.publicURL + "/receipts/telegram")
                harness.clock.advance(by: 19)
                #expect(try await ChannelTests.sendCode(client, "+996555100014").errorCode == "resend_too_soon")
                harness.clock.advance(by: 2)
                let next = try await ChannelTests.sendCode(client, "+996555100014")
                #expect(next.json["channel"] as? String == "whatsapp")
                #expect(whatsapp.messages.map(\.to) == ["+996555100014"])
                // A Telegram report that the message was read comes late: recorded, and counted by channel.
                let now = Int(harness.clock.now.timeIntervalSince1970)
                let read = TelegramFake.report(requestID: telegram.messages[0].requestID, status: "read", at: now)
                let posted = try await Self.post(
                    client, "/receipts/telegram", read.body, ["X-Request-Timestamp": read.timestamp, "X-Request-Signature": read.signature])
                #expect(posted.status == .ok)
                #expect(try await Self.state(harness, messageID: telegram.messages[0].requestID) == ["read:-:true"])
            }
        }
    }

    /// After a stuck Telegram code, a number WhatsApp cannot reach gets an SMS, never Telegram again inside its cooldown.
    @Test func aSwitchThatFallsThroughNeverReturnsToTheStuckChannel() async throws {
        try await ChannelTests.withFakes(change: Self.receiving) { harness, twilio, whatsapp, telegram in
            try await harness.test { client in
                let phone = WhatsAppFake.notOnWhatsApp
                #expect(try await ChannelTests.sendCode(client, phone).json["channel"] as? String == "telegram")
                harness.clock.advance(by: 21)
                let next = try await ChannelTests.sendCode(client, phone)
                #expect(next.status == .accepted)
                #expect(next.json["channel"] as? String == "sms")
            }
            #expect(telegram.messages.count == 1)
            #expect(whatsapp.messages.isEmpty)
            #expect(twilio.messages.map(\.to) == [WhatsAppFake.notOnWhatsApp])
        }
    }

    /// A call nobody answered is a failed delivery, with Twilio's status as its error.
    @Test func anUnansweredCallIsAFailedDelivery() async throws {
        try await ChannelTests.withFakes(change: Self.receiving) { harness, twilio, _, _ in
            try await harness.test { client in
                #expect(try await ChannelTests.sendCode(client, "+13125550112", channel: "voice").status == .accepted)
                let call = try #require(twilio.calls.first)
                #expect(call.statusCallback == Self.publicURL + "/receipts/twilio")
                #expect(call.statusCallbackEvents == ["initiated", "ringing", "answered", "completed"])
                let fields = [("CallSid", call.sid), ("CallStatus", "no-answer"), ("AccountSid", TwilioFake.accountSID), ("To", "+13125550112")]
                let receipt = TwilioFake.statusCallback(url: Self.publicURL + "/receipts/twilio", fields)
                #expect(
                    try await Self.post(client, "/receipts/twilio", receipt.body, ["X-Twilio-Signature": receipt.signature], form: true).status == .ok
                )
                #expect(try await Self.state(harness, messageID: call.sid) == ["failed:no-answer:false"])
            }
        }
    }

    @Test func receiptsOfAProviderWithoutSettingsAreNotFound() async throws {
        let harness = try TestHarness()
        try await harness.test { (client) async throws -> Void in
            let signed = [
                "/receipts/whatsapp": ["X-Hub-Signature-256": "sha256=00"],
                "/receipts/telegram": ["X-Request-Timestamp": "1", "X-Request-Signature": "00"],
                "/receipts/twilio": ["X-Twilio-Signature": "AA=="],
            ]
            for (path, headers) in signed {
                #expect(try await Self.post(client, path, "{}", headers).status == .notFound)
                // Unsigned, it is refused as such first.
                #expect(try await Self.post(client, path, "{}", [:]).errorCode == "invalid_signature")
            }
        }
    }
}
