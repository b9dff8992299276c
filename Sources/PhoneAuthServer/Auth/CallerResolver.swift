import Foundation

/// The one place that turns a bearer token into the caller's current state. A protocol so that an invalidating
/// cache can slot in later without touching the middleware.
protocol CallerResolver: Sendable {
    func resolve(bearer token: String) async throws -> Caller
}

/// Token first (signature, expiry), then the database (user exists, active, token not revoked by a logout).
struct DatabaseCallerResolver: CallerResolver {
    let tokens: TokenService
    let users: any UserRepository

    func resolve(bearer token: String) async throws -> Caller {
        let claims = try await tokens.verify(token)
        guard let user = try await users.find(id: claims.userID), user.isActive else { throw AppError.unauthorized }
        if let revokedAt = user.tokensValidAfter, claims.issuedAt.value.milliseconds <= revokedAt.milliseconds {
            throw AppError.unauthorized
        }
        return Caller(user: user, claims: claims)
    }
}

extension Date {
    /// Whole milliseconds since 1970: the precision tokens and revocation instants are compared at.
    var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
