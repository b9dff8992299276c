import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Idempotency-Key, test numbers and the autofill message format.
@Suite struct SendCodeOptionsTests {
    private func send(_ client: some TestClientProtocol, _ phone: String, key: String) async throws -> TestResponse {
        try await client.request(.post, "/auth/send-code", json: ["phone": phone], headers: [.init("Idempotency-Key")!: key])
    }

    @Test func aRepeatedIdempotencyKeyReplaysTheFirstAnswerAndSendsOneSMS() async throws {
        let harness = try TestHarness { $0.limits = SendLimits() }
        try await harness.test { (client) async throws -> Void in
            let first = try await send(client, "+13125550100", key: "attempt-1")
            let second = try await send(client, "+1 312 555 0100", key: "attempt-1")
            #expect(first.status == .accepted)
            #expect(second.status == .accepted)  // not resend_too_soon: nothing was sent again
            #expect(first.body == second.body)
            let otherPhone = try await send(client, "+13125550199", key: "attempt-1")
            #expect(otherPhone.status == .unprocessableContent)
            #expect(otherPhone.errorCode == "idempotency_key_reused")
            harness.clock.advance(by: 301)  // the key lives as long as the code
            #expect(try await send(client, "+13125550100", key: "attempt-1").status == .accepted)
        }
        #expect(harness.sms.sent.count == 2)
    }

    /// A stranger who knows the phone and guesses (or saw) the key must not be handed the owner's verification: from
    /// another network the same key is a new request under every limit (here the resend cooldown), never a replay.
    @Test(arguments: Backend.all)
    func aKeyReplaysOnlyToTheNetworkThatUsedIt(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { config in
            config.limits = SendLimits()  // the shipped cooldown
            config.limits.trustedProxies = ["127.0.0.1"]
        }
        try await harness.test(.live) { (client) async throws -> Void in
            func send(from address: String) async throws -> TestResponse {
                try await client.request(
                    .post, "/auth/send-code", json: ["phone": "+13125550100"],
                    headers: [.init("Idempotency-Key")!: "attempt-1", .init("X-Forwarded-For")!: address])
            }
            let owner = try await send(from: "198.51.100.7")
            #expect(owner.status == .accepted)
            let stranger = try await send(from: "203.0.113.9")
            #expect(stranger.status == .tooManyRequests)
            #expect(stranger.errorCode == "resend_too_soon")
            #expect(!String(decoding: stranger.body.readableBytesView, as: UTF8.self).contains("verification_id"))
            let again = try await send(from: "198.51.100.7")
            #expect(again.status == .accepted)
            #expect(again.body == owner.body)
        }
        #expect(harness.sms.sent.count == 1)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM verifications") == 1)
    }

    @Test func aFailedFirstTryFreesTheKey() async throws {
        let harness = try TestHarness()
        harness.sms.failNext(1)
        try await harness.test { (client) async throws -> Void in
            #expect(try await send(client, "+13125550100", key: "k").status == .serviceUnavailable)
            #expect(try await send(client, "+13125550100", key: "k").status == .accepted)
        }
        #expect(harness.sms.sent.count == 1)
    }

    @Test(arguments: ["", "has space", String(repeating: "k", count: 256), "ключ"])
    func malformedKeysAreRefused(key: String) async throws {
        let harness = try TestHarness()
        try await harness.test { (client) async throws -> Void in
            let response = try await client.execute(
                uri: "/auth/send-code", method: .post, headers: [.init("Idempotency-Key")!: key, .contentType: "application/json"],
                body: .init(string: #"{"phone":"+13125550100"}"#))
            #expect(response.status == .badRequest)
            #expect(response.errorDetail["field"] as? String == "Idempotency-Key")
        }
        #expect(harness.sms.sent.isEmpty)
    }

    private static func testNumberHarness(_ backend: Backend = .sqlite) async throws -> TestHarness {
        try await TestHarness.make(backend) { config in
            config.limits = SendLimits()
            config.testNumbers = try! TestNumberBook(parsing: "+13125550123:424242:2027-01-31")
        }
    }

    /// Issue 10, finding 2: test numbers skipped every limit, the cooldown included.
    @Test(arguments: Backend.all)
    func aTestNumberSkipsTheLimitsThatCostMoneyButNotTheCooldown(backend: Backend) async throws {
        let harness = try await Self.testNumberHarness(backend)
        try await harness.test { (client) async throws -> Void in
            for _ in 0..<8 {  // more than the 5 per phone and hour a real number gets
                #expect(try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550123"]).status == .accepted)
                let tooSoon = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550123"])
                #expect(tooSoon.errorCode == "resend_too_soon")
                harness.clock.advance(by: 61)
            }
            let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550123"])
            let id = try #require(sent.json["verification_id"] as? String)
            let verified = try await client.request(.post, "/auth/verify-code", json: ["verification_id": id, "verification_code": "424242"])
            #expect(verified.status == .ok)
        }
        #expect(harness.sms.sent.isEmpty)
    }

    /// Test numbers text nothing, so they must spend nothing real numbers share: with a budget of one text an hour and
    /// one code per address, a day of a test number's sends from one address leaves both for a real number.
    @Test(arguments: Backend.all)
    func testNumberSendsSpendNoBudgetOrLimitThatRealNumbersShare(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { config in
            config.limits = SendLimits()
            config.limits.globalPerHour = 1
            config.limits.perIPPerHour = 1
            config.limits.perPrefixPerHour = 1
            config.testNumbers = try! TestNumberBook(parsing: "+13125550123:424242:2027-01-31")
        }
        try await harness.test { (client) async throws -> Void in
            for _ in 0..<3 {
                #expect(try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550123"]).status == .accepted)
                let tooSoon = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550123"])
                #expect(tooSoon.status == .tooManyRequests)
                #expect(tooSoon.errorCode == "resend_too_soon")
                harness.clock.advance(by: 61)
            }
            // The same range, the same address: the real number still gets the one text the budget allows.
            #expect(try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"]).status == .accepted)
            let over = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550101"])
            #expect(over.status == .serviceUnavailable)
            #expect(over.errorCode == "sms_budget_exhausted")
        }
        #expect(harness.sms.sent.map(\.to.e164) == ["+13125550100"])
        #expect(try await harness.sql.strings("SELECT phone_number FROM sms_sends") == ["+13125550100"])
    }

    /// Issue 10, finding 2: each send reset the fixed code's tries, so guessing never ended.
    @Test(arguments: Backend.all) func aTestNumberKeepsItsTriesAcrossResends(backend: Backend) async throws {
        let harness = try await Self.testNumberHarness(backend)
        try await harness.test { (client) async throws -> Void in
            func send() async throws -> String {
                let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550123"])
                harness.clock.advance(by: 61)
                return try #require(sent.json["verification_id"] as? String)
            }
            func verify(_ id: String, _ code: String) async throws -> TestResponse {
                try await client.request(.post, "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
            }
            let first = try await send()
            for remaining in [4, 3, 2, 1] { #expect(try await verify(first, "111111").errorDetail["attempts_remaining"] as? Int == remaining) }
            let second = try await send()
            #expect(try await verify(second, "111111").errorCode == "too_many_attempts")  // the fifth try, not a fresh first
            #expect(try await verify(second, "424242").errorCode == "too_many_attempts")
            // The phone path has its own five, then the per-phone limit holds: ten wrong in the hour.
            for _ in 0..<5 {
                _ = try await client.request(.post, "/auth/verify-code", json: ["phone": "+13125550123", "verification_code": "111111"])
            }
            let third = try await send()
            let limited = try await verify(third, "424242")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.errorCode == "verify_rate_limited")
        }
    }

    @Test func testNumbersAllowedInProductionAreAnnouncedAtStartUpWithoutTheirCodes() throws {
        var config = AppConfig.testing
        config.mode = .production
        config.allowTestNumbersInProduction = true
        config.testNumbers = try TestNumberBook(parsing: "+13125550123:424242:2027-01-31,+996555000123:135790:2027-01-31")
        #expect(config.startupWarnings == ["2 test number(s) with fixed codes are enabled in production"])
        config.mode = .development
        #expect(config.startupWarnings.isEmpty)
    }

    @Test func anExpiredTestNumberIsAnOrdinaryPhone() async throws {
        let harness = try TestHarness { config in
            config.testNumbers = try! TestNumberBook(parsing: "+13125550123:424242:2020-01-01")
        }
        try await harness.test { (client) async throws -> Void in
            #expect(try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550123"]).status == .accepted)
        }
        #expect(harness.sms.sent.count == 1)
    }

    @Test func marketsCanUseTheAutofillFormat() async throws {
        var us = Market.unitedStates
        us.otpDomain = "app.example.com"
        let markets = try MarketCatalog([us, .kyrgyzstan])
        let harness = try TestHarness { $0.markets = markets }
        try await harness.test { (client) async throws -> Void in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555123456"])
        }
        let usText = try #require(harness.sms.sent.first { $0.to.e164 == "+13125550100" })
        #expect(usText.body.split(separator: "\n").last == "@app.example.com #\(usText.code)")
        let kgText = try #require(harness.sms.sent.first { $0.to.e164 == "+996555123456" })
        #expect(!kgText.body.contains("@"))
        #expect(kgText.body.contains("код"))
    }

    /// The client's language wins when there are texts in it, then the user's own, then the market's.
    @Test(arguments: Backend.all)
    func theTextIsInTheClientsLanguageThenTheUsersThenTheMarkets(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100", "language": "ky-KG"])
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555123456", "language": "de"])
            // A user who chose Kyrgyz gets Kyrgyz without asking.
            let token = try await harness.signIn(client, phone: "+996555123457")
            let edit = try await client.request(.patch, "/api/v1/profile", json: ["language": "ky"], token: token)
            #expect(edit.status == .ok)
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555123457"])
            let bad = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555123458", "language": "ru_RU"])
            #expect(bad.status == .badRequest)
            #expect(bad.errorDetail["field"] as? String == "language")
        }
        let texts = harness.sms.sent.map { ($0.to.e164, $0.body) }
        #expect(texts.first { $0.0 == "+13125550100" }?.1.contains("коду") == true)
        #expect(texts.first { $0.0 == "+996555123456" }?.1.contains("код ") == true)  // the market's Russian
        #expect(texts.last { $0.0 == "+996555123457" }?.1.contains("коду") == true)
        #expect(!texts.contains { $0.0 == "+996555123458" })
    }

    /// An Android app's hash ends the text when the server knows it; an unknown one is never put in a text.
    @Test func aKnownAppHashEndsTheTextAndAnUnknownOneIsIgnored() async throws {
        var us = Market.unitedStates
        us.otpDomain = "app.example.com"
        let markets = try MarketCatalog([us, .kyrgyzstan])
        let harness = try TestHarness {
            $0.markets = markets
            $0.androidAppHashes = ["FA+9qCX9VSu"]
        }
        try await harness.test { (client) async throws -> Void in
            let known = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100", "app_hash": "FA+9qCX9VSu"])
            #expect(known.status == .accepted)
            let unknown = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550101", "app_hash": "ZZZZZZZZZZZ"])
            #expect(unknown.status == .accepted)
            let malformed = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550102", "app_hash": "short"])
            #expect(malformed.status == .badRequest)
            #expect(malformed.errorDetail["field"] as? String == "app_hash")
        }
        let withHash = try #require(harness.sms.sent.first { $0.to.e164 == "+13125550100" })
        #expect(withHash.body.hasSuffix("\nFA+9qCX9VSu"))
        #expect(withHash.body.contains(withHash.code))
        let withoutHash = try #require(harness.sms.sent.first { $0.to.e164 == "+13125550101" })
        #expect(withoutHash.body.hasSuffix("@app.example.com #\(withoutHash.code)"))
        #expect(!withoutHash.body.contains("ZZZZ"))
    }

    @Test func aDomainOrAppHashThatCannotWorkStopsTheServerFromStarting() throws {
        var config = AppConfig.testing
        var kg = Market.kyrgyzstan
        kg.otpDomain = "signin." + String(repeating: "a", count: 40) + ".com"
        config.markets = try MarketCatalog([.unitedStates, kg])
        #expect(throws: ConfigError.self) { try config.validate() }
        kg.otpDomain = "Signin.Example.com"
        config.markets = try MarketCatalog([.unitedStates, kg])
        #expect(throws: ConfigError.self) { try config.validate() }
        config.markets = .builtIn
        config.androidAppHashes = ["not-a-hash"]
        #expect(throws: ConfigError.self) { try config.validate() }
        config.androidAppHashes = []
        config.appName = String(repeating: "W", count: 21)
        #expect(throws: ConfigError.self) { try config.validate() }
    }
}
