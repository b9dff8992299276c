import Foundation

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
