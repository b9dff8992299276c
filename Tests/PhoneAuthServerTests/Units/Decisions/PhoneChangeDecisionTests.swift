import Foundation
import Testing

@testable import PhoneAuthCore

@Suite struct PhoneChangeDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let week: Duration = .seconds(7 * 86_400)

    func decide(holder: Int64? = nil, released: (until: Date, userID: Int64)? = nil, lastChange: Date? = nil) -> PhoneChangeDecision {
        PhoneChangeDecision.decide(userID: 1, holder: holder, released: released, lastChange: lastChange, cooldown: week, now: now)
    }

    @Test func aFreeNumberIsTaken() {
        #expect(decide() == .change)
        #expect(decide(released: (now.addingTimeInterval(-1), 2)) == .change)  // its quarantine is over
    }

    @Test func anotherAccountsNumberIsRefusedAndTheCodeSpent() {
        #expect(decide(holder: 2) == .refuseTaken)
        #expect(decide(holder: 2).refusal == .taken)
        #expect(decide(holder: 2).burnsCode)
    }

    @Test func aNumberInAnotherAccountsQuarantineIsRefusedButOneItGaveUpMayComeBack() {
        let until = now.addingTimeInterval(86_400)
        #expect(decide(released: (until, 2)) == .refuseQuarantined(until: until))
        #expect(decide(released: (until, 1)) == .change)
    }

    @Test func aSecondChangeWithinTheCooldownWaitsAndKeepsItsCode() {
        let decision = decide(lastChange: now.addingTimeInterval(-86_400))
        #expect(decision == .refuseTooSoon(retryAfter: 6 * 86_400))
        #expect(!decision.burnsCode)
        #expect(decide(lastChange: now.addingTimeInterval(-7 * 86_400)) == .change)
        #expect(PhoneChangeDecision.cooldownLeft(lastChange: now, cooldown: .zero, now: now) == nil)
    }
}
