import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The one rule of send admission, without a database: each case feeds the facts the rule asks for and checks what
/// it asks next and how it answers. (`AbuseLimitTests`, `FraudDefenceTests` and `TwoInstanceTests` run it through
/// both backends.)
@Suite struct SendAdmissionDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let attempt = SendAttempt(phone: "+13125550100", ip: "203.0.113.9", prefix: "+1312")
    let perPhone = WindowRule(scope: .phone, window: 3_600, max: 5, refusal: .phoneRateLimited)
    let perIP = WindowRule(
        scope: .ip, window: 3_600, max: 20, refusal: .ipRateLimited,
        earned: EarnedAllowance(perVerifiedPhone: 2, ceiling: 100))
    let quota = WindowRule(
        scope: .ip, window: 3_600, max: 30, refusal: .challengesRateLimited, earned: EarnedAllowance(perVerifiedPhone: 5, ceiling: 300))

    func decision(screening: SendScreening? = nil) -> SendAdmissionDecision {
        SendAdmissionDecision(attempt: attempt, rules: [perPhone, perIP], screening: screening, now: now)
    }

    func screening(solved: Int? = nil, quota: WindowRule? = nil) -> SendScreening {
        SendScreening(policy: SendAllowancePolicy(), solvedDifficulty: solved, challengeQuota: quota)
    }

    /// Facts with both windows read and under their limits.
    func underLimits(knownGood: Bool = false, block: RangeBlock? = nil) -> SendAdmissionDecision.Facts {
        var facts = SendAdmissionDecision.Facts(knownGood: knownGood, block: block)
        facts.windows = [0: .under, 1: .under]
        facts.verifiedPhones[3_600] = 0
        return facts
    }

    @Test func anOperatorsBlockRefusesBeforeAnythingIsRead() {
        let block = RangeBlock(prefix: "+1312", reason: "fraud", automatic: false, createdAt: now)
        let facts = SendAdmissionDecision.Facts(knownGood: true, block: block)
        #expect(decision(screening: screening()).next(facts) == .apply(.blocked(block)))
    }

    @Test func theRulesAreReadInOrderAndTheFirstFullOneRefusesWithItsRetryAfter() {
        var facts = SendAdmissionDecision.Facts(knownGood: false, block: nil)
        #expect(decision().next(facts) == .read(.window(rule: 0, limit: 5)))
        facts.windows[0] = .full(oldestCounted: now.addingTimeInterval(-3_000))
        #expect(decision().next(facts) == .apply(.refused(SendRefusal(rule: perPhone, retryAfter: 600))))
    }

    @Test func aNetworksLimitIsReadWithWhatItsVerifiedPhonesEarned() {
        var facts = SendAdmissionDecision.Facts(knownGood: false, block: nil)
        facts.windows[0] = .under
        #expect(decision().next(facts) == .read(.verifiedPhones(window: 3_600)))
        facts.verifiedPhones[3_600] = 7
        #expect(decision().next(facts) == .read(.window(rule: 1, limit: 34)))
        facts.windows[1] = .under
        #expect(decision().next(facts) == .apply(.admitted(knownGood: false)))
    }

    /// What a backend counting several windows in one statement reads at once: exactly the window reads `next` asks
    /// for one by one, in order, up to a limit that rests on another fact or a window that already refuses.
    @Test func windowReadsAreTheReadsNextAsksForOneByOne() {
        let cooldown = WindowRule(scope: .phone, window: 60, max: 1, refusal: .resendTooSoon)
        let perPrefix = WindowRule(scope: .prefix, window: 3_600, max: 50, refusal: .prefixRateLimited)
        let rules = [perPhone, cooldown, perIP, perPrefix]
        let decision = SendAdmissionDecision(attempt: attempt, rules: rules, now: now)
        var facts = SendAdmissionDecision.Facts(knownGood: false, block: nil)
        #expect(decision.windowReads(facts).map(\.rule) == [0, 1])
        #expect(decision.windowReads(facts).first.map { .read(.window(rule: $0.rule, limit: $0.limit)) } == decision.next(facts))
        facts.windows = [0: .under, 1: .under]
        #expect(decision.windowReads(facts).isEmpty)
        #expect(decision.next(facts) == .read(.verifiedPhones(window: 3_600)))
        facts.verifiedPhones[3_600] = 3
        #expect(decision.windowReads(facts).map(\.rule) == [2, 3])
        #expect(decision.windowReads(facts).map(\.limit) == [26, 50])
        // A window that refuses ends the batch: nothing after it is read.
        facts.windows = [0: .full(oldestCounted: now.addingTimeInterval(-10))]
        #expect(decision.windowReads(facts).isEmpty)
    }

    @Test func withoutScreeningOrForAKnownGoodPhoneTheStandingIsNeverRead() {
        #expect(decision().next(underLimits()) == .apply(.admitted(knownGood: false)))
        #expect(decision(screening: screening()).next(underLimits(knownGood: true)) == .apply(.admitted(knownGood: true)))
        #expect(decision(screening: screening()).next(underLimits()) == .read(.standing))
    }

    @Test func aRangePastItsAllowanceAsksForAChallengeWithinTheNetworksQuota() {
        var facts = underLimits()
        facts.standing = RangeStanding(unverifiedLastHour: 3)
        #expect(decision(screening: screening()).next(facts) == .apply(.challenged(difficulty: 12)))
        let limited = decision(screening: screening(quota: quota))
        #expect(limited.next(facts) == .read(.networkChallenges))
        facts.networkChallenges = 29
        #expect(limited.next(facts) == .apply(.challenged(difficulty: 12)))
        // At the base share the network's verified phones decide: none here, so it is refused until the hour turns.
        facts.networkChallenges = 30
        #expect(limited.next(facts) == .apply(.refused(SendRefusal(rule: quota, retryAfter: ChallengeCounts.retryAfter(at: now)))))
        facts.verifiedPhones[3_600] = 1
        #expect(limited.next(facts) == .apply(.challenged(difficulty: 12)))
    }

    @Test func aSolvedChallengePaysForOneSendPastTheAllowance() {
        var facts = underLimits()
        facts.standing = RangeStanding(unverifiedLastHour: 3)
        #expect(decision(screening: screening(solved: 12)).next(facts) == .apply(.admitted(knownGood: false)))
    }

    @Test func aPumpedRangeIsHardenedAndThenOnlyTheHardestChallengePasses() {
        var facts = underLimits()
        facts.standing = RangeStanding(unverifiedLastHour: 13)
        let policy = SendAllowancePolicy()
        let block = RangeBlock.automatic(prefix: "+1312", unverified: 13, now: now, duration: policy.autoBlockFor)
        #expect(decision(screening: screening(solved: 12)).next(facts) == .apply(.hardened(block, difficulty: 20)))
        // Hardened: nobody is refused, every unknown number pays 20 bits.
        var hardened = underLimits(block: block)
        hardened.standing = RangeStanding(unverifiedLastHour: 14)
        #expect(decision(screening: screening(solved: 12)).next(hardened) == .apply(.challenged(difficulty: 20)))
        #expect(decision(screening: screening(solved: 20)).next(hardened) == .apply(.admitted(knownGood: false)))
        #expect(decision(screening: screening()).next(underLimits(knownGood: true, block: block)) == .apply(.admitted(knownGood: true)))
    }

    @Test func theSameFactsAlwaysGiveTheSameStep() {
        let facts = underLimits()
        let rule = decision(screening: screening())
        #expect(rule.next(facts) == rule.next(facts))
    }

    /// Read without a lock, a budget's ring may be stale: an admission resting on it claims the budgets (a write that
    /// fails when one is full) and is decided again after the claim, on a fresh standing. A refusal, a challenge, or an
    /// admission that read no fleet-wide count, claims nothing.
    @Test func anAdmissionOnUnlockedBudgetCountsClaimsTheBudgetsAndIsDecidedAgain() {
        let budget = WindowRule(scope: .global, window: 3_600, max: 1_000, refusal: .smsBudgetExhausted)
        let daily = WindowRule(scope: .global, window: 86_400, max: 10_000, refusal: .smsBudgetExhausted)
        let rules = [budget, daily, perPhone]
        let decision = SendAdmissionDecision(attempt: attempt, rules: rules, now: now)
        var facts = SendAdmissionDecision.Facts(knownGood: false, block: nil, windows: [0: .under, 1: .under, 2: .under])
        #expect(decision.next(facts) == .apply(.admitted(knownGood: false)))
        #expect(decision.needsBudgetClaim(.admitted(knownGood: false), facts))
        #expect(decision.claims(facts) == [BudgetRing.Claim(window: 3_600, max: 1_000, now: now), BudgetRing.Claim(window: 86_400, max: 10_000, now: now)])

        // Claimed: the budgets have room, the phone's count (read under the phone's lock) stands.
        let claimed = facts.afterClaim(of: rules)
        #expect(claimed.windows == [0: .under, 1: .under, 2: .under])
        #expect(decision.next(claimed) == .apply(.admitted(knownGood: false)))
        facts.windows[0] = .full(oldestCounted: now.addingTimeInterval(-3_500))
        let refusal = SendAdmission.refused(SendRefusal(rule: budget, retryAfter: 100))
        #expect(decision.next(facts) == .apply(refusal))
        #expect(!decision.needsBudgetClaim(refusal, facts))

        // Per-phone and per-network rules alone: no fleet-wide count, no claim.
        #expect(!self.decision().needsBudgetClaim(.admitted(knownGood: false), underLimits()))
        // The screening's standing carries the server-wide count: an admission resting on it claims the hourly ring
        // even with no budget, so such sends still meet; a challenge claims nothing.
        var screened = underLimits()
        screened.standing = RangeStanding()
        let screens = self.decision(screening: screening())
        #expect(screens.needsBudgetClaim(.admitted(knownGood: false), screened))
        #expect(screens.claims(screened) == [BudgetRing.Claim(window: 3_600, max: .max, now: now)])
        #expect(!screens.needsBudgetClaim(.challenged(difficulty: 18), screened))
        #expect(screened.afterClaim(of: [perPhone, perIP]).standing == nil)
    }
}
