import Foundation
import JWTKit

/// The access token's payload as PhoneAuth writes it (its `AccessClaims`): `user_id`, `market`, `sid`, `role`, `ver`
/// and the registered claims. The verifier checks the time and the parties itself, with its clock and leeway.
struct AccessTokenClaims: JWTPayload {
    var userID: Int64
    var market: String?
    var sessionID: String?
    var role: String?
    var issuedAt: IssuedAtClaim
    var expiration: ExpirationClaim
    var notBefore: NotBeforeClaim?
    var issuer: IssuerClaim
    var audience: AudienceClaim
    var version: Int?

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case market
        case sessionID = "sid"
        case role
        case issuedAt = "iat"
        case expiration = "exp"
        case notBefore = "nbf"
        case issuer = "iss"
        case audience = "aud"
        case version = "ver"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
