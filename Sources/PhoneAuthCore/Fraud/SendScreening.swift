import Foundation

/// What the fraud defence brings to one send's admission (`SignInRepository.admit`), decided inside its transaction.
package struct SendScreening: Sendable, Equatable {
    package var policy: SendAllowancePolicy
    /// The difficulty of a challenge the request solved, redeemed already; nil without one.
    package var solvedDifficulty: Int?
    /// Challenges one network may be issued in the window, earned up by the phones it got verified; nil: no limit.
    /// Unsolved challenges send nothing, but each costs a write and raises its range's difficulty.
    package var challengeQuota: WindowRule?
    // No bearer token makes a send known good: a bot holds tokens of its own. Only the phone's own history does.
}

/// How `admit` answered.
package enum SendAdmission: Sendable, Equatable {
    /// Recorded; text it. `knownGood`: it drew from the reserve of numbers that signed in before.
    case admitted(knownGood: Bool)
    case refused(SendRefusal)
    /// Not recorded: the client must solve a challenge of this difficulty first.
    case challenged(difficulty: Int)
    /// The range is blocked by an operator: nobody is sent to.
    case blocked(RangeBlock)
    /// This attempt hardened the range (`RangeBlock.automatic`); the client must solve a challenge of this difficulty.
    case hardened(RangeBlock, difficulty: Int)

    /// Whether applying it writes (records the send, counts a challenge, saves a block).
    package var writes: Bool {
        switch self {
        case .admitted, .challenged, .hardened: true
        case .refused, .blocked: false
        }
    }

    /// Whether the send is recorded and texted.
    package var isAdmitted: Bool {
        if case .admitted = self { true } else { false }
    }
}
