import Foundation
import Testing

@testable import PhoneAuthCore

@Suite struct ChannelLimitsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func voiceIsLimitedPerPhoneByDefaultAndNothingElseIs() throws {
        #expect(ChannelLimits.defaults.limit(for: .voice) == .init(perPhonePerHour: 3, perPhonePerDay: 5))
        #expect(ChannelLimits.defaults.limit(for: .sms) == .init())
        #expect(try ChannelLimits(parsing: []) == .defaults)
    }

    @Test func anEntrySetsItsKeysOverTheDefaults() throws {
        let limits = try ChannelLimits(parsing: ["voice=hour:100,day:500,phone-hour:2", "whatsapp=phone-day:4", "sms=off"])
        #expect(limits.limit(for: .voice) == .init(perHour: 100, perDay: 500, perPhonePerHour: 2, perPhonePerDay: 5))
        #expect(limits.limit(for: .whatsapp) == .init(perPhonePerDay: 4))
        #expect(try ChannelLimits(parsing: ["voice=off"]).limit(for: .voice) == .init())
        #expect(try ChannelLimits(parsing: ["voice=phone-hour:off"]).limit(for: .voice) == .init(perPhonePerDay: 5))
    }

    @Test(arguments: ["voice", "fax=hour:1", "voice=hour", "voice=hour:-1", "voice=hour:many", "voice=week:3", "voice=hour:1;voice=day:2"])
    func aMalformedEntryIsRefusedAtStartUp(entry: String) {
        #expect(throws: ConfigError.self) { try ChannelLimits(parsing: entry.split(separator: ";").map(String.init)) }
    }

    @Test func aPhoneAtItsHourlyLimitWaitsUntilItsOldestCountedMessageLeavesTheHour() {
        let limit = ChannelLimits.Limit(perPhonePerHour: 2, perPhonePerDay: 3)
        #expect(limit.phoneRetryAfter(sent: [now.addingTimeInterval(-10)], now: now) == nil)
        #expect(limit.phoneRetryAfter(sent: [now.addingTimeInterval(-10), now.addingTimeInterval(-600)], now: now) == 3_000)
        // An older message, out of the hour, counts for the day only.
        let day = [now.addingTimeInterval(-10), now.addingTimeInterval(-7_200), now.addingTimeInterval(-80_000)]
        #expect(limit.phoneRetryAfter(sent: day, now: now) == 6_400)
        #expect(ChannelLimits.Limit(perPhonePerHour: 0).phoneRetryAfter(sent: [], now: now) == 3_600)
    }

    @Test func aChannelBudgetIsAClaimPerWindow() {
        let claims = ChannelLimits.Limit(perHour: 10, perDay: 50).budgetClaims(now: now)
        #expect(claims.map(\.window) == [3_600, 86_400])
        #expect(claims.map(\.max) == [10, 50])
        #expect(ChannelLimits.Limit(perPhonePerHour: 1).budgetClaims(now: now).isEmpty)
        // A full ring says when the budget has room again: its oldest counted bucket's end plus the window.
        let full = BudgetRing().adding(10, window: 3_600, now: now)
        let bucketEnd = Double((BudgetRing.bucket(of: now, window: 3_600) + 1) * BudgetRing.bucketSeconds(3_600))
        let expected = Int(bucketEnd - now.timeIntervalSince1970) + 3_600
        #expect(claims[0].retryAfter(in: full, now: now) == expected)
        #expect(claims[0].retryAfter(in: BudgetRing().adding(9, window: 3_600, now: now), now: now) == nil)
    }
}
