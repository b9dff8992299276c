import Foundation

/// One mobile operator's network checks (the GSMA CAMARA APIs) for one market: the seam between the sign-in rules and
/// the operator's HTTP. Every answer is the operator's; a failure is a `NetworkCheckError`, which the caller's policy
/// turns into a fallback (a code by SMS) or a refusal.
package protocol NetworkOperator: Sendable {
    /// Where the device goes, over mobile data, to prove silently that it uses the number (Number Verification's
    /// authorization code flow with `prompt=none`). The operator redirects to the server's callback with a code.
    func authorizationURL(_ request: SilentAuthorization) async throws -> String
    /// Exchanges the code the operator redirected with (and the server's PKCE verifier for it), then asks whether the
    /// device that followed the link uses `phone`.
    func verifyDevice(phone: String, code: String, codeVerifier: String) async throws -> Bool
    /// Whether the SIM behind `phone` changed within the last `maxAgeHours` (SIM Swap `check`).
    func simSwapped(phone: String, maxAgeHours: Int) async throws -> Bool
    /// Whether `phone` got a new subscriber after `since` (Number Recycling `check`).
    func recycled(phone: String, since: Date) async throws -> Bool
}

/// What the authorization URL carries: the state the callback is matched by, the nonce, and the PKCE challenge of
/// the verifier the server keeps for the code exchange.
package struct SilentAuthorization: Sendable, Equatable {
    package var phone: String
    package var state: String
    package var nonce: String
    package var codeChallenge: String

    package init(phone: String, state: String, nonce: String, codeChallenge: String) {
        (self.phone, self.state, self.nonce, self.codeChallenge) = (phone, state, nonce, codeChallenge)
    }
}

/// Why a network check gave no answer.
package enum NetworkCheckError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operator could not be reached, timed out, answered 5xx or 429, or its circuit is open.
    case unavailable(String)
    /// The operator refused this request (its CAMARA or OAuth error code), e.g. a device not on its mobile network.
    case refused(String)
    /// The operator does not serve this number (422, 404).
    case notApplicable(String)

    package var description: String {
        switch self {
        case .unavailable(let why): "operator unavailable: \(why)"
        case .refused(let code): "operator refused: \(code)"
        case .notApplicable(let code): "not applicable: \(code)"
        }
    }

    /// A short label for metrics and logs.
    package var label: String {
        switch self {
        case .unavailable: "unavailable"
        case .refused: "refused"
        case .notApplicable: "not_applicable"
        }
    }
}
