import Foundation
import PhoneAuthAPI
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthResourceServer

/// The kit's list of cutoffs applies PhoneAuth's rule (a token issued at or before a cutoff is refused, to the
/// millisecond) by what each event names, and forgets what can no longer refuse an unexpired token.
@Suite struct RevocationListTests {
    let issued = Date(timeIntervalSince1970: 1_800_000_000.250)

    func caller(user: Int64 = 7, market: String = "kg", session: String = "s1") -> PhoneAuthCaller {
        PhoneAuthCaller(userID: user, market: market, role: "user", sessionID: session, issuedAt: issued, expiresAt: issued.addingTimeInterval(1800))
    }

    var at: Int64 { Int64((issued.timeIntervalSince1970 * 1000).rounded()) }

    @Test func eachEventEndsWhatItNames() {
        var list = RevocationList()
        list.apply(RevocationEvent(id: 1, type: "session.ended", userID: 7, sessionID: "s2", atMilliseconds: at + 5))
        #expect(list.revokes(caller(session: "s2")))
        #expect(!list.revokes(caller()))  // the user's other session
        list.apply(RevocationEvent(id: 2, type: "user.banned", userID: 8, atMilliseconds: at))
        #expect(list.revokes(caller(user: 8)))  // issued at the cutoff itself: refused, as PhoneAuth does
        list.apply(RevocationEvent(id: 3, type: "user.role_changed", userID: 9, atMilliseconds: at - 1))
        #expect(!list.revokes(caller(user: 9)))  // issued after the change
        list.apply(RevocationEvent(id: 4, type: "market.force_logout", market: "us", atMilliseconds: at + 1))
        #expect(list.revokes(caller(market: "us")) && !list.revokes(caller()))
        // A type this release does not know still applies by what it names.
        list.apply(RevocationEvent(id: 5, type: "everyone.something_new", atMilliseconds: at + 1))
        #expect(list.revokes(caller()))
    }

    @Test func aLaterCutoffNeverMovesBackAndOldOnesAreForgotten() {
        var list = RevocationList()
        list.apply(RevocationEvent(id: 1, type: "user.force_logout", userID: 7, atMilliseconds: at + 10))
        list.apply(RevocationEvent(id: 2, type: "user.force_logout", userID: 7, atMilliseconds: at - 10))  // replayed out of order
        #expect(list.revokes(caller()))
        list.prune(before: at + 11)
        #expect(list.count == 0)
        #expect(!list.revokes(caller()))
    }
}
