import Foundation

/// Whether a send-code may text right away, must first be paid for with a proof-of-work challenge, or blocks its
/// range, from what the number range has shown (issue 14). Pumping bots never enter codes, so their sends stay
/// unverified: each range may hold a few unverified sends an hour, more the more sign-ins it has produced, and the
/// whole server a bounded number, past which every unknown number is challenged. Phones that signed in before draw
/// from their own reserve and are never challenged. The global SMS budget stays
/// behind all of this as the last line.
package struct SendAllowancePolicy: Sendable, Equatable {
    /// Unverified sends an hour a range without history may hold.
    package var rangeBase: Int
    /// Extra unverified sends an hour per point of the range's credit (distinct phones that signed in there, fading
    /// with a half-life of two weeks: `RangeCredit`), up to `rangeCap`.
    package var perVerifiedSignIn: Double
    package var rangeCap: Int
    /// Unverified sends an hour, server-wide, past which ranges without history are challenged…
    package var globalForNewRanges: Int
    /// …and past which every number not known to be good is.
    package var globalForAll: Int
    /// The challenge's difficulty in leading zero bits: `difficultyBase` at the threshold, one more bit each time the
    /// pressure doubles (the excess over the threshold plus the challenges of the last hour), at most `difficultyMax`.
    package var difficultyBase: Int
    package var difficultyMax: Int
    /// A range this many unverified sends past its allowance in the hour, with no sign-in in it, is hardened for
    /// `autoBlockFor`: every unknown number there must solve a challenge of `difficultyMax` bits for each code, and an
    /// operator is asked to confirm a block. Only solved challenges get a range past its allowance, so this is a bot
    /// that pays for its work and still enters no code; but a stranger can do that too, so the automatic answer never
    /// refuses anyone (a real user there pays one harder challenge). Operator blocks stay range-wide. 0: never.
    package var autoBlockUnverified: Int
    package var autoBlockFor: Duration
    /// Sign-ins hold hardening off only while at least this share of the hour's unverified sends (in distinct phones)
    /// converts: one sign-in an hour beside hundreds of unentered codes does not.
    package var hardenBelowConversion: Double

    package init(
        rangeBase: Int = 3,
        perVerifiedSignIn: Double = 1.0,
        rangeCap: Int = 50,
        globalForNewRanges: Int = 50,
        globalForAll: Int = 90,
        difficultyBase: Int = 12,
        difficultyMax: Int = 20,
        autoBlockUnverified: Int = 10,
        autoBlockFor: Duration = .seconds(24 * 3_600),
        hardenBelowConversion: Double = 0.1
    ) {
        self.rangeBase = rangeBase
        self.perVerifiedSignIn = perVerifiedSignIn
        self.rangeCap = rangeCap
        self.globalForNewRanges = globalForNewRanges
        self.globalForAll = globalForAll
        self.difficultyBase = difficultyBase
        self.difficultyMax = difficultyMax
        self.autoBlockUnverified = autoBlockUnverified
        self.autoBlockFor = autoBlockFor
        self.hardenBelowConversion = hardenBelowConversion
    }

    package enum Decision: Sendable, Equatable {
        case send
        case challenge(difficulty: Int)
        /// Harden the range (`RangeBlock.automatic`) and ask for a challenge of `difficultyMax`.
        case harden
    }

    package func allowance(of standing: RangeStanding) -> Int {
        min(rangeCap, rangeBase + Int((standing.credit * perVerifiedSignIn).rounded()))
    }

    /// `solved`: the difficulty of a challenge the request solved (and redeemed), which pays for one send past the
    /// allowance; in a `hardened` range only one of `difficultyMax` bits does.
    package func decide(_ standing: RangeStanding, knownGood: Bool, solved: Int? = nil, hardened: Bool = false) -> Decision {
        guard !knownGood else { return .send }
        if hardened { return (solved ?? 0) >= difficultyMax ? .send : .challenge(difficulty: difficultyMax) }
        if autoBlockUnverified > 0, Double(standing.verifiedLastHour) < hardenBelowConversion * Double(standing.unverifiedLastHour),
            standing.unverifiedLastHour >= allowance(of: standing) + autoBlockUnverified {
            return .harden
        }
        guard solved == nil else { return .send }
        let ceiling = standing.credit < 0.5 ? globalForNewRanges : globalForAll
        // How far past each threshold this send would be (1 at the threshold itself).
        let rangeExcess = standing.unverifiedLastHour - allowance(of: standing) + 1
        let globalExcess = standing.globalUnverifiedLastHour - ceiling + 1
        let excess = max(rangeExcess, globalExcess)
        guard excess > 0 else { return .send }
        let pressure = excess + standing.challengesLastHour
        let doublings = Int.bitWidth - pressure.leadingZeroBitCount - 1
        return .challenge(difficulty: min(difficultyMax, difficultyBase + doublings))
    }
}
