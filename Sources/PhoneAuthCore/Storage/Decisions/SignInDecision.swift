import Foundation

/// What the right code does, decided once for every backend (`SignInRepository.redeem`, after `GuessVerdict`
/// said `.right`), from the phone's user as the transaction reads it.
package enum SignInDecision: Sendable, Equatable {
    /// The user is disabled (a ban): burn this code only, open no session.
    case refuseDisabled
    /// The phone's market is no longer served: answer as a wrong code, change nothing.
    case refuseUnserved
    /// No account holds the number, and it left one until this instant (`released_numbers`): burn this code only.
    case refuseQuarantined(until: Date)
    /// The account's SIM changed within the window (`SimSwapMark.swapped`): burn this code, open no session, keep the
    /// account's sessions.
    case refuseSimSwap
    /// The operator could not say, and the policy fails closed (`SimSwapMark.unverified`): burn this code.
    case refuseUnverified
    /// Burn every code of the phone, create or activate the user with these defaults (a new user's), open the session
    /// and mark the phone's sends verified.
    case signIn(NewUserDefaults)

    /// `releasedUntil`: the quarantine of the number, read only when no user holds it. `simSwap`: what the operator's
    /// check left on the code; it holds only an account that has signed in before (a new one has nothing to lose).
    package static func decide(
        existing: User?, defaults: NewUserDefaults?, releasedUntil: Date? = nil, simSwap: SimSwapMark? = nil, now: Date = Date()
    ) -> SignInDecision {
        if existing?.isDisabled == true { return .refuseDisabled }
        if existing == nil, let until = releasedUntil, until > now { return .refuseQuarantined(until: until) }
        guard let defaults else { return .refuseUnserved }
        if existing?.isVerified == true {
            switch simSwap {
            case .swapped: return .refuseSimSwap
            case .unverified: return .refuseUnverified
            case .notify, nil: break
            }
        }
        return .signIn(defaults)
    }

    /// Whether a sign-in this decision lets through should tell the number its SIM changed lately.
    package static func notifiesSimSwap(existing: User?, simSwap: SimSwapMark?) -> Bool {
        existing?.isVerified == true && simSwap == .notify
    }

    /// Whether the refused code is burnt (a ban, a number in quarantine, a SIM swap: the right code was entered, and is
    /// spent).
    package var burnsCode: Bool {
        switch self {
        case .refuseDisabled, .refuseQuarantined, .refuseSimSwap, .refuseUnverified: true
        case .refuseUnserved, .signIn: false
        }
    }

    /// The answer when no session opens.
    package var refusal: RedemptionOutcome? {
        switch self {
        case .refuseDisabled: .disabled
        case .refuseUnserved: .rejected(attemptsRemaining: nil)
        case .refuseQuarantined(let until): .quarantined(until: until)
        case .refuseSimSwap: .simSwapped
        case .refuseUnverified: .networkUnverified
        case .signIn: nil
        }
    }
}
