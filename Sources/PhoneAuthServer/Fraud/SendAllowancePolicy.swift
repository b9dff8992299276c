import Foundation

/// Whether a send-code may text right away or must first be paid for with a proof-of-work challenge, from what the
/// number range has shown (issue 14; not yet consulted by send-code). Pumping bots never enter codes, so their sends
/// stay unverified: each range may hold a few unverified sends an hour, more the more sign-ins it has produced, and
/// the whole server a bounded number, past which every unknown number is challenged. Phones that signed in before
/// draw from their own reserve and are never challenged. The global SMS budget stays behind all of this as the last
/// line.
struct SendAllowancePolicy: Sendable, Equatable {
    /// Unverified sends an hour a range without history may hold.
    var rangeBase = 3
    /// Extra unverified sends an hour per sign-in the range has produced, up to `rangeCap`.
    var perVerifiedSignIn = 0.5
    var rangeCap = 50
    /// Unverified sends an hour, server-wide, past which ranges without history are challenged…
    var globalForNewRanges = 50
    /// …and past which every number not known to be good is.
    var globalForAll = 90
    /// The challenge's difficulty in leading zero bits: `difficultyBase` at the threshold, one more bit each time the
    /// excess doubles, at most `difficultyMax`.
    var difficultyBase = 12
    var difficultyMax = 22

    enum Decision: Sendable, Equatable {
        case send
        case challenge(difficulty: Int)
    }

    func allowance(of standing: RangeStanding) -> Int {
        min(rangeCap, rangeBase + Int(Double(standing.verified) * perVerifiedSignIn))
    }

    func decide(_ standing: RangeStanding, knownGood: Bool) -> Decision {
        guard !knownGood else { return .send }
        let ceiling = standing.verified == 0 ? globalForNewRanges : globalForAll
        // How far past each threshold this send would be (1 at the threshold itself).
        let rangeExcess = standing.unverifiedLastHour - allowance(of: standing) + 1
        let globalExcess = standing.globalUnverifiedLastHour - ceiling + 1
        let excess = max(rangeExcess, globalExcess)
        guard excess > 0 else { return .send }
        let doublings = Int.bitWidth - excess.leadingZeroBitCount - 1
        return .challenge(difficulty: min(difficultyMax, difficultyBase + doublings))
    }
}
