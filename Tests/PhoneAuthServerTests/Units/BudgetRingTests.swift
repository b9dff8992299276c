import Foundation
import Testing

@testable import PhoneAuthCore

/// The global budgets' rings, without a database: a send counts from the start of its bucket until a window after
/// the bucket's end, so no span of the window's length ever holds more than the budget.
@Suite struct BudgetRingTests {
    let hour: TimeInterval = 3_600
    /// 20 s into a minute.
    let now = Date(timeIntervalSince1970: 1_800_000_020)

    @Test func sendsCountUntilAWindowAfterTheirMinuteEnds() {
        var ring = BudgetRing()
        for _ in 0..<3 { ring = ring.adding(1, window: hour, now: now) }
        #expect(ring.counted(window: hour, now: now) == 3)
        #expect(ring.fill(max: 4, window: hour, now: now) == .under)
        // Full: the minute ends 40 s from now, and leaves the hour's count an hour later.
        #expect(ring.fill(max: 3, window: hour, now: now).retryAfter(window: hour, now: now) == 3_640)
        #expect(ring.counted(window: hour, now: now.addingTimeInterval(3_639)) == 3)
        #expect(ring.counted(window: hour, now: now.addingTimeInterval(3_640)) == 0)
    }

    @Test func theRefusalWaitsOnlyForAsManyOldSendsAsMustLeave() {
        var ring = BudgetRing()
        ring = ring.adding(2, window: hour, now: now)
        ring = ring.adding(1, window: hour, now: now.addingTimeInterval(600))
        let later = now.addingTimeInterval(1_200)
        // Three counted, budget three: the two of the first minute must leave, then one more passes.
        #expect(ring.fill(max: 3, window: hour, now: later).retryAfter(window: hour, now: later) == 3_640 - 1_200)
        // Budget two: waiting for the first minute is not enough while the later send stays in.
        #expect(ring.fill(max: 1, window: hour, now: later).retryAfter(window: hour, now: later) == 3_640 + 600 - 1_200)
    }

    @Test func aSlotThatComesRoundAgainStartsFromZero() {
        var ring = BudgetRing().adding(5, window: hour, now: now)
        let nextHour = now.addingTimeInterval(61 * 60)
        #expect(BudgetRing.slot(of: BudgetRing.bucket(of: nextHour, window: hour)) == BudgetRing.slot(of: BudgetRing.bucket(of: now, window: hour)))
        ring = ring.adding(1, window: hour, now: nextHour)
        #expect(ring.counted(window: hour, now: nextHour) == 1)
    }

    @Test func theDailyBudgetCountsInBucketsOf24Minutes() {
        let day: TimeInterval = 86_400
        #expect(BudgetRing.bucketSeconds(day) == 1_440)
        let ring = BudgetRing().adding(1, window: day, now: now)
        let bucketEnd = (now.timeIntervalSince1970 / 1_440).rounded(.down) * 1_440 + 1_440
        #expect(ring.fill(max: 1, window: day, now: now).retryAfter(window: day, now: now) == Int(bucketEnd + day - now.timeIntervalSince1970))
    }

    @Test func aClaimNamesTheSlotAsSQLCountsIt() {
        let claim = BudgetRing.Claim(window: hour, max: 10, now: now)
        #expect(claim.slot == BudgetRing.slot(of: claim.bucket) + 1)
        #expect(claim.firstCounted == claim.bucket - 60)
    }

    @Test func aRingOfAnotherShapeReadsAsEmpty() {
        #expect(BudgetRing(buckets: [1, 2], counts: [3]).counted(window: hour, now: now) == 0)
    }
}
