import Foundation

/// What the right code does, decided once for every backend (`SignInRepository.redeem`, after `GuessVerdict`
/// said `.right`), from the phone's user as the transaction reads it.
package enum SignInDecision: Sendable, Equatable {
    /// The user is disabled (a ban): burn this code only, open no session.
    case refuseDisabled
    /// The phone's market is no longer served: answer as a wrong code, change nothing.
    case refuseUnserved
    /// Burn every code of the phone, create or activate the user with these defaults (a new user's), open the session
    /// and mark the phone's sends verified.
    case signIn(NewUserDefaults)

    package static func decide(existing: User?, defaults: NewUserDefaults?) -> SignInDecision {
        if existing?.isDisabled == true { return .refuseDisabled }
        guard let defaults else { return .refuseUnserved }
        return .signIn(defaults)
    }

    /// The answer when no session opens.
    package var refusal: RedemptionOutcome? {
        switch self {
        case .refuseDisabled: .disabled
        case .refuseUnserved: .rejected(attemptsRemaining: nil)
        case .signIn: nil
        }
    }
}
