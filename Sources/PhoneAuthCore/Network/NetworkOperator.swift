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
