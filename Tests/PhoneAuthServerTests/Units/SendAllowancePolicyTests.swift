import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The decision alone, on hand-made range standings (the storage side is `RangeStandingTests`).
@Suite struct SendAllowancePolicyTests {
    let policy = SendAllowancePolicy()

    @Test func withoutUnverifiedSendsNobodyIsChallenged() {
        #expect(policy.decide(RangeStanding(), knownGood: false) == .send)
        #expect(policy.decide(RangeStanding(sent: 40, verified: 35, credit: 35, unverifiedLastHour: 2, globalUnverifiedLastHour: 10), knownGood: false) == .send)
    }

    @Test func aRangesAllowanceGrowsWithItsSignInsUpToTheCap() {
        #expect(policy.allowance(of: RangeStanding()) == 3)
        #expect(policy.allowance(of: RangeStanding(credit: 20)) == 23)
        #expect(policy.allowance(of: RangeStanding(credit: 10_000)) == 50)
        #expect(policy.decide(RangeStanding(credit: 20, unverifiedLastHour: 22), knownGood: false) == .send)
        #expect(policy.decide(RangeStanding(credit: 20, unverifiedLastHour: 23), knownGood: false) == .challenge(difficulty: 12))
        // Sign-ins ever counted are no credit once faded away (RangeCredit keeps the recent ones).
        #expect(policy.allowance(of: RangeStanding(verified: 10_000, credit: 0)) == 3)
    }

    @Test func aPhoneThatSignedInBeforeIsNeverChallenged() {
        let attacked = RangeStanding(unverifiedLastHour: 2, globalUnverifiedLastHour: 9_000)
        #expect(policy.decide(attacked, knownGood: true) == .send)
        #expect(policy.decide(attacked, knownGood: false) == .challenge(difficulty: 20))
    }

    @Test func theDifficultyRisesOneBitEachTimeTheExcessDoubles() {
        func difficulty(global: Int) -> SendAllowancePolicy.Decision {
            policy.decide(RangeStanding(globalUnverifiedLastHour: global), knownGood: false)
        }
        #expect(difficulty(global: 49) == .send)
        #expect(difficulty(global: 50) == .challenge(difficulty: 12))
        #expect(difficulty(global: 51) == .challenge(difficulty: 13))
        #expect(difficulty(global: 53) == .challenge(difficulty: 14))
        #expect(difficulty(global: 50 + 100_000) == .challenge(difficulty: 20))
    }

    @Test func aRangeFarPastItsAllowanceWithoutASignInIsHardenedNeverRefused() {
        // Only solved challenges take a range past its allowance of 3; ten more unverified, and it is hardened…
        #expect(policy.decide(RangeStanding(unverifiedLastHour: 12), knownGood: false, solved: 14) == .send)
        #expect(policy.decide(RangeStanding(unverifiedLastHour: 13), knownGood: false, solved: 14) == .harden)
        // …unless a tenth of its hour's unverified sends converted (one sign-in beside 13 is not enough, two are), or the
        // phone is known to be good.
        #expect(policy.decide(RangeStanding(unverifiedLastHour: 13, verifiedLastHour: 1), knownGood: false, solved: 14) == .harden)
        #expect(policy.decide(RangeStanding(unverifiedLastHour: 13, verifiedLastHour: 2), knownGood: false, solved: 14) == .send)
        #expect(policy.decide(RangeStanding(unverifiedLastHour: 500, verifiedLastHour: 1), knownGood: false, solved: 14) == .harden)
        #expect(policy.decide(RangeStanding(unverifiedLastHour: 13), knownGood: true) == .send)
        var never = policy
        never.autoBlockUnverified = 0
        #expect(never.decide(RangeStanding(unverifiedLastHour: 1_000), knownGood: false, solved: 14) == .send)
    }

    /// Hardened, a range still serves everyone: an unknown number pays the hardest challenge for each code (an easier
    /// one solved elsewhere does not count), a known number nothing, whatever the range's counts.
    @Test func aHardenedRangeAsksTheHardestChallengeOfUnknownNumbersAndServesThemOnceSolved() {
        let pumped = RangeStanding(unverifiedLastHour: 5_000)
        #expect(policy.decide(pumped, knownGood: false, hardened: true) == .challenge(difficulty: 20))
        #expect(policy.decide(RangeStanding(), knownGood: false, hardened: true) == .challenge(difficulty: 20))
        #expect(policy.decide(pumped, knownGood: false, solved: 19, hardened: true) == .challenge(difficulty: 20))
        #expect(policy.decide(pumped, knownGood: false, solved: 20, hardened: true) == .send)
        #expect(policy.decide(pumped, knownGood: true, hardened: true) == .send)
    }

    @Test func unsolvedChallengesRaiseTheDifficulty() {
        let overCeiling = RangeStanding(globalUnverifiedLastHour: 50)
        #expect(policy.decide(overCeiling, knownGood: false) == .challenge(difficulty: 12))
        #expect(policy.decide(RangeStanding(globalUnverifiedLastHour: 50, challengesLastHour: 7), knownGood: false) == .challenge(difficulty: 15))
        #expect(policy.decide(RangeStanding(globalUnverifiedLastHour: 50, challengesLastHour: 9_000), knownGood: false) == .challenge(difficulty: 20))
        // A solved challenge pays for the send.
        #expect(policy.decide(overCeiling, knownGood: false, solved: 12) == .send)
    }

    /// The attack, decided in memory: 10,000 sends over 400 fresh ranges, no code ever entered, no challenge
    /// ever solved. At most 100 SMS reach the bot; ranges with sign-ins keep serving new users until the higher
    /// server-wide ceiling.
    @Test func aBotSpreadOverFourHundredRangesGetsAtMostAHundredTexts() {
        var unverified: [Int: Int] = [:]
        var global = 0
        var texted = 0
        for request in 0..<10_000 {
            let range = request % 400
            let standing = RangeStanding(unverifiedLastHour: unverified[range, default: 0], globalUnverifiedLastHour: global)
            guard policy.decide(standing, knownGood: false) == .send else { continue }
            texted += 1
            unverified[range, default: 0] += 1
            global += 1
        }
        #expect(texted <= 100)
        #expect(texted == 50)
        // A new user in a range with a sign-in history still gets a code without a challenge…
        #expect(policy.decide(RangeStanding(verified: 30, credit: 30, unverifiedLastHour: 0, globalUnverifiedLastHour: global), knownGood: false) == .send)
        // …until the server-wide ceiling for everyone.
        #expect(policy.decide(RangeStanding(verified: 30, credit: 30, globalUnverifiedLastHour: 90), knownGood: false) == .challenge(difficulty: 12))
    }
}
