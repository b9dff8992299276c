import Foundation

/// How a guess is judged once the verification it aims at (if any) is in hand: one set of rules for every backend.
package enum GuessVerdict: Equatable {
    /// Answer without counting anything.
    case refuse(RedemptionOutcome)
    /// A wrong guess: count it for the phone and the network, with `bump` also a try on the verification's path.
    case wrong(bump: Bool, outcome: RedemptionOutcome)
    /// The right code: burn it and sign in (unless the user is disabled).
    case right

    package static func judge(_ verification: Verification?, guess: Guess, limits: GuessLimits) -> GuessVerdict {
        guard let verification else { return .wrong(bump: false, outcome: .rejected(attemptsRemaining: nil)) }
        let byID = guess.target.path == "id"
        let spent = byID ? verification.idAttempts : verification.phoneAttempts
        guard spent < limits.perVerification else {
            // A dead code on the phone path looks like any wrong code there, and still counts.
            return byID ? .refuse(.locked) : .wrong(bump: false, outcome: .rejected(attemptsRemaining: nil))
        }
        guard guess.matches(verification.phoneNumber, verification.codeHash) else {
            guard byID else { return .wrong(bump: true, outcome: .rejected(attemptsRemaining: nil)) }
            // The try that uses up the allowance already answers "locked": the code is dead on this path.
            let remaining = limits.perVerification - spent - 1
            return .wrong(bump: true, outcome: remaining == 0 ? .locked : .rejected(attemptsRemaining: remaining))
        }
        return .right
    }
}
