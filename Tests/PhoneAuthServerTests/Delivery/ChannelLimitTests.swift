import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Each channel's own budgets and per-phone limits, on top of the server-wide ones: a voice call is the costliest
/// message there is, so calls to one phone are capped while the other channels still serve it, and a channel whose
/// budget is spent is passed over by a send that names none.
@Suite struct ChannelLimitTests {
    @Test(arguments: Backend.all)
    func callsToOnePhoneAreCappedWhileAnotherChannelStillServesIt(backend: Backend) async throws {
        try await ChannelTests.withFakes(backend: backend) { harness, twilio, _, _ in
            try await harness.test { client in
                for _ in 1...3 { #expect(try await ChannelTests.sendCode(client, "+13125550100", channel: "voice").status == .accepted) }
                let fourth = try await ChannelTests.sendCode(client, "+13125550100", channel: "voice")
                #expect(fourth.status == .tooManyRequests)
                #expect(fourth.errorCode == "channel_rate_limited")
                let wait = try #require(fourth.headers[.retryAfter].flatMap { Int($0) })
                #expect(wait > 3_500 && wait <= 3_600)
                // The refused send left no code behind: the three calls' codes only.
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM verifications WHERE phone_number = '+13125550100'") == 3)
                // Another phone still gets calls, and this one still gets texts.
                #expect(try await ChannelTests.sendCode(client, "+13125550101", channel: "voice").status == .accepted)
                #expect(try await ChannelTests.sendCode(client, "+13125550100", channel: "sms").status == .accepted)
                // Once the hour has passed, a call goes again (3 a day are not yet 5).
                harness.clock.advance(by: 3_601)
                #expect(try await ChannelTests.sendCode(client, "+13125550100", channel: "voice").status == .accepted)
                let metrics = PrometheusText(String(buffer: try await client.request(.get, "/metrics").body))
                #expect(metrics.value("phoneauth_limit_refusals_total", ["limit": "channel_rate_limited"]) == 1)
                #expect(metrics.value("phoneauth_limit_refusals_total", ["limit": "channel_budget_exhausted"]) == 0)
            }
            #expect(twilio.calls.count == 5)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM deliveries WHERE phone_number = '+13125550100' AND channel = 'voice'") == 4)
        }
    }

    @Test(arguments: Backend.all)
    func aSpentChannelBudgetIsPassedOverUnlessTheSendNamesIt(backend: Backend) async throws {
        try await ChannelTests.withFakes(backend: backend, change: { $0.channelLimits = try! ChannelLimits(parsing: ["telegram=hour:1"]) }) {
            harness, _, whatsapp, telegram in
            try await harness.test { client in
                let first = try await ChannelTests.sendCode(client, "+996555100001")
                #expect(first.json["channel"] as? String == "telegram")
                // The budget of one Telegram message an hour is spent: the market's next channel serves.
                let second = try await ChannelTests.sendCode(client, "+996555100002")
                #expect(second.status == .accepted)
                #expect(second.json["channel"] as? String == "whatsapp")
                let named = try await ChannelTests.sendCode(client, "+996555100003", channel: "telegram")
                #expect(named.status == .serviceUnavailable)
                #expect(named.errorCode == "channel_budget_exhausted")
                let wait = try #require(named.headers[.retryAfter].flatMap { Int($0) })
                #expect(wait > 3_500 && wait <= 3_660)
                // The code whose channel was refused is gone; the one that went by WhatsApp verifies.
                let code = try #require(whatsapp.messages.first?.code)
                #expect(try await ChannelTests.verify(client, second, code: code).status == .ok)
                harness.clock.advance(by: 3_700)
                #expect(try await ChannelTests.sendCode(client, "+996555100003", channel: "telegram").status == .accepted)
            }
            #expect(telegram.messages.count == 2)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM verifications WHERE phone_number = '+996555100003'") == 1)
        }
    }

    /// Two instances claiming one channel's budget at once, 12 claims each: exactly the budget's 5 pass.
    @Test(arguments: Backend.all)
    func concurrentInstancesNeverOvershootAChannelBudget(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { _ in }  // migrates
        let now = harness.clock.now
        let claims = ChannelLimits.Limit(perHour: 5, perDay: 100).budgetClaims(now: now)
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { first in
            try await Storage.with(harness.config.database, logger: TestPostgres.logger) { second in
                let passed = try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<24 {
                        let storage = index.isMultiple(of: 2) ? first : second
                        group.addTask { try await storage.deliveries.claimBudget(channel: .voice, claims, now: now) == nil }
                    }
                    return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
                }
                #expect(passed == 5)
                // A refused claim took nothing: the day's budget counted the 5 only.
                let wait = try await first.deliveries.claimBudget(channel: .voice, claims, now: now)
                #expect(wait != nil)
                let dayOnly = ChannelLimits.Limit(perDay: 6).budgetClaims(now: now)
                #expect(try await second.deliveries.claimBudget(channel: .voice, dayOnly, now: now) == nil)
                #expect(try await second.deliveries.claimBudget(channel: .voice, dayOnly, now: now) != nil)
            }
        }
    }
}
