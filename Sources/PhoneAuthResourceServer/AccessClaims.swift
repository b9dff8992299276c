import Foundation
import JWTKit

/// The access token's payload: who (`user_id`), which market, session and role, and the registered claims. Nothing
/// personal. Version 1 tokens (before sessions) lack `sid` and `role`; they are accepted until they expire. Defined
/// here once: the server signs and checks it, and `PhoneAuthTokenVerifier` checks it in the app's own services.
package struct AccessClaims: JWTPayload, Equatable {
    package static let currentVersion = 2

    package var userID: Int64
    package var market: String?
    package var sessionID: String?
    package var role: String?
    package var issuedAt: IssuedAtClaim
    package var expiration: ExpirationClaim
    package var notBefore: NotBeforeClaim?
    package var issuer: IssuerClaim
    package var audience: AudienceClaim
    package var id: IDClaim
    /// `ver` as sent; the first tokens carried none, which is version 1.
    package var versionClaim: Int?
    package var version: Int { versionClaim ?? 1 }

    package init(
        userID: Int64, market: String?, sessionID: String?, role: String?, issuedAt: IssuedAtClaim, expiration: ExpirationClaim,
        notBefore: NotBeforeClaim?, issuer: IssuerClaim, audience: AudienceClaim, id: IDClaim, versionClaim: Int?
    ) {
        (self.userID, self.market, self.sessionID, self.role) = (userID, market, sessionID, role)
        (self.issuedAt, self.expiration, self.notBefore, self.issuer, self.audience) = (issuedAt, expiration, notBefore, issuer, audience)
        (self.id, self.versionClaim) = (id, versionClaim)
    }

    package enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case market
        case sessionID = "sid"
        case role
        case issuedAt = "iat"
        case expiration = "exp"
        case notBefore = "nbf"
        case issuer = "iss"
        case audience = "aud"
        case id = "jti"
        case versionClaim = "ver"
    }

    /// Time-independent checks only; `TokenService` (and the verifier) check `exp` and `nbf` against their clock. A current-version
    /// token must carry every claim; only older versions may lack the ones added since.
    package func verify(using algorithm: some JWTAlgorithm) async throws {
        if version >= 2, market == nil || sessionID == nil || role == nil {
            throw JWTError.claimVerificationFailure(failedClaim: IDClaim(value: "ver"), reason: "missing claims for its version")
        }
    }
}
