import Foundation
import Testing

@testable import PhoneAuthCore

/// Which log rows are an account's when it is erased: every number it had, each up to when it stopped being theirs.
@Suite struct AccountErasureTests {
    let day: TimeInterval = 86_400
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func at(_ days: Double) -> Date { start.addingTimeInterval(days * day) }

    @Test func theNumberItHoldsIsErasedWhole() {
        let history = [NumberHistoryEntry(phoneNumber: "+13125550100", from: at(0))]
        #expect(
            AccountErasure.logWindows(current: "+13125550100", history: history, lastSignIn: at(3)) == [
                .init(number: "+13125550100", through: nil)
            ])
    }

    @Test func aNumberItMovedAwayFromIsErasedUpToTheMove() {
        let history = [
            NumberHistoryEntry(phoneNumber: "+13125550100", from: at(0), until: at(10), reason: "changed"),
            NumberHistoryEntry(phoneNumber: "+13125550101", from: at(10)),
        ]
        #expect(
            AccountErasure.logWindows(current: "+13125550101", history: history, lastSignIn: at(12)) == [
                .init(number: "+13125550100", through: at(10)), .init(number: "+13125550101", through: nil),
            ])
    }

    @Test func aDetachedNumberIsErasedUpToTheLastSignInOnly() {
        let history = [NumberHistoryEntry(phoneNumber: "+13125550100", from: at(0), until: at(200), reason: "detached")]
        #expect(
            AccountErasure.logWindows(current: nil, history: history, lastSignIn: at(15)) == [.init(number: "+13125550100", through: at(15))])
        // Signed in before it had this number (it moved to it later, then went dormant): nothing of it is theirs.
        let moved = [NumberHistoryEntry(phoneNumber: "+13125550100", from: at(20), until: at(200), reason: "detached")]
        #expect(AccountErasure.logWindows(current: nil, history: moved, lastSignIn: at(15)) == [])
    }

    /// Given back by an operator, the number is its own again: all of it.
    @Test func aNumberHadTwiceKeepsTheWidestWindow() {
        let history = [
            NumberHistoryEntry(phoneNumber: "+13125550100", from: at(0), until: at(200), reason: "detached"),
            NumberHistoryEntry(phoneNumber: "+13125550100", from: at(210)),
        ]
        #expect(
            AccountErasure.logWindows(current: "+13125550100", history: history, lastSignIn: at(210)) == [
                .init(number: "+13125550100", through: nil)
            ])
        let twice = [
            NumberHistoryEntry(phoneNumber: "+13125550100", from: at(0), until: at(10), reason: "changed"),
            NumberHistoryEntry(phoneNumber: "+13125550101", from: at(10), until: at(50), reason: "changed"),
            NumberHistoryEntry(phoneNumber: "+13125550100", from: at(50), until: at(90), reason: "changed"),
            NumberHistoryEntry(phoneNumber: "+13125550102", from: at(90)),
        ]
        #expect(
            AccountErasure.logWindows(current: "+13125550102", history: twice, lastSignIn: at(95)).map(\.through) == [at(90), at(50), nil])
    }
}
