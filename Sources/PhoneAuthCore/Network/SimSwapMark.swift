import Foundation

/// What the SIM-swap check at send time leaves on the code, for the sign-in that redeems it to decide by. Only an
/// existing account is held: a new one has nothing to take over (and a new SIM is how many people arrive).
package enum SimSwapMark: String, Sendable, Equatable {
    /// The SIM changed within the window: the sign-in is refused (`refuse`).
    case swapped
    /// The SIM changed within the window: the sign-in goes ahead and the number is told (`notify`).
    case notify
    /// The operator gave no answer and the policy is `fail-closed`: the sign-in is refused until it does.
    case unverified

    /// The mark the check's outcome leaves under `policy`; nil: nothing to hold the sign-in for.
    package static func of(_ outcome: Result<Bool, NetworkCheckError>, policy: SimSwapPolicy) -> SimSwapMark? {
        switch (outcome, policy.action) {
        case (_, .off), (.success(false), _): nil
        case (.success(true), .refuse): .swapped
        case (.success(true), .notify): .notify
        // The operator does not serve the number (another network's subscriber): there is nothing it could say.
        case (.failure(.notApplicable), _): nil
        case (.failure, _): policy.onFailure == .closed ? .unverified : nil
        }
    }
}
