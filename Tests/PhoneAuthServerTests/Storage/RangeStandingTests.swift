import Foundation
import Logging
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Conversion per number range, what the adaptive SMS-pumping defence decides on: every send is counted against its
/// range, a sign-in marks its phone's sends verified in the same transaction, and the unverified sends of the last
/// hour are counted per range and overall.
@Suite struct RangeStandingTests {
    /// The range's standing, its fading credit rounded to hundredths (it decays by the second).
    private func standing(_ harness: TestHarness, _ prefix: String) async throws -> RangeStanding {
        var standing = try await Storage.with(harness.config.database, logger: Logger(label: "test")) { storage in
            try await storage.ranges.standing(prefix: prefix, now: harness.clock.wallClock())
        }
        standing.credit = (standing.credit * 100).rounded() / 100
        return standing
    }

    @Test(arguments: Backend.all)
    func sendsAndSignInsAreCountedPerRange(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            _ = try await harness.signIn(client, phone: "+13125550700")
            #expect(
                try await standing(harness, "+1312")
                    == RangeStanding(sent: 1, verified: 1, credit: 1, unverifiedLastHour: 0, globalUnverifiedLastHour: 0, verifiedLastHour: 1))

            // Codes nobody enters: one more in this range, one in another.
            _ = try await harness.sendCode(client, phone: "+13125550701")
            _ = try await harness.sendCode(client, phone: "+14155550702")
            #expect(
                try await standing(harness, "+1312")
                    == RangeStanding(sent: 2, verified: 1, credit: 1, unverifiedLastHour: 1, globalUnverifiedLastHour: 2, verifiedLastHour: 1))
            #expect(try await standing(harness, "+1415") == RangeStanding(sent: 1, verified: 0, unverifiedLastHour: 1, globalUnverifiedLastHour: 2))

            // A wrong code converts nothing; the right one does, once, however many codes the phone was sent.
            harness.clock.advance(by: 61)
            let second = try await harness.sendCode(client, phone: "+13125550701")
            let wrong = second.code == "000000" ? "111111" : "000000"
            _ = try await client.request(.post, "/auth/verify-code", json: ["verification_id": second.id, "verification_code": wrong])
            #expect(try await standing(harness, "+1312").unverifiedLastHour == 2)
            let verified = try await client.request(
                .post, "/auth/verify-code", json: ["verification_id": second.id, "verification_code": second.code])
            #expect(verified.status == .ok)
            #expect(
                try await standing(harness, "+1312")
                    == RangeStanding(sent: 3, verified: 2, credit: 2, unverifiedLastHour: 0, globalUnverifiedLastHour: 1, verifiedLastHour: 2))

            // An hour on, the unverified count has moved on; the history stays.
            harness.clock.advance(by: 3_601)
            #expect(try await standing(harness, "+1415") == RangeStanding(sent: 1, verified: 0, unverifiedLastHour: 0, globalUnverifiedLastHour: 0))
            #expect(try await standing(harness, "+99655") == RangeStanding())
        }
    }

    /// The fleet's unverified sends of the last hour come from counts per minute (`UnverifiedCounts`): at every instant
    /// exactly the unverified sends made since the first minute that began within the hour.
    @Test(arguments: Backend.all)
    func theFleetsUnverifiedSendsOfTheHourAreCountedToTheMinute(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let sends = try await harness.test { client in
            // Sixty sends into sixty ranges, 70 s apart; every fourth code is entered.
            var sends: [(at: Date, verified: Bool)] = []
            for index in 0..<60 {
                let phone = "+1\(220 + index)5550100"
                let sent = try await harness.sendCode(client, phone: phone)
                var verified = false
                if index.isMultiple(of: 4) {
                    let answer = try await client.request(
                        .post, "/auth/verify-code", json: ["verification_id": sent.id, "verification_code": sent.code])
                    verified = answer.status == .ok
                    #expect(verified)
                }
                sends.append((harness.clock.now, verified))
                harness.clock.advance(by: 70)
            }
            return sends
        }
        for _ in 0..<40 {
            let now = harness.clock.now
            let expected = sends.filter { $0.at >= UnverifiedCounts.countedSince(at: now) && !$0.verified }.count
            #expect(try await standing(harness, "+1220").globalUnverifiedLastHour == expected, "at \(now)")
            harness.clock.advance(by: 13)
        }
    }

    /// A range's allowance grows with distinct phones, not sign-ins, and fades: one account signing in again and
    /// again adds nothing, and two weeks halve what people earned.
    @Test(arguments: Backend.all)
    func creditCountsDistinctPhonesAndFadesWithAHalfLifeOfTwoWeeks(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            for _ in 0..<5 {
                _ = try await harness.signIn(client, phone: "+13125550700")
                harness.clock.advance(by: 61)
            }
            let repeated = try await standing(harness, "+1312")
            #expect(repeated.verified == 5)
            #expect(repeated.credit == 1)
            for n in 1...3 { _ = try await harness.signIn(client, phone: "+131255507\(10 + n)") }
            #expect(try await standing(harness, "+1312").credit == 4)
            harness.clock.advance(by: RangeCredit.halfLife)
            #expect(try await standing(harness, "+1312").credit == 2)
            #expect(SendAllowancePolicy().allowance(of: try await standing(harness, "+1312")) == 5)
        }
    }
}
