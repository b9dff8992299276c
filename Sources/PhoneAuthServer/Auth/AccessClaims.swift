import Foundation
import JWTKit

/// The access token's payload: who (`user_id`), which market, and the registered claims. Nothing personal.
struct AccessClaims: JWTPayload, Equatable {
    static let currentVersion = 1

    var userID: Int64
    var market: String
    var issuedAt: IssuedAtClaim
    var expiration: ExpirationClaim
    var notBefore: NotBeforeClaim?
    var issuer: IssuerClaim
    var audience: AudienceClaim
    var id: IDClaim
    var version: Int

    enum CodingKeys: String, CodingKey {
        case userID = "user_id"
        case market
        case issuedAt = "iat"
        case expiration = "exp"
        case notBefore = "nbf"
        case issuer = "iss"
        case audience = "aud"
        case id = "jti"
        case version = "ver"
    }

    /// Time-independent checks only; `TokenService` checks `exp` and `nbf` against the injected clock.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
