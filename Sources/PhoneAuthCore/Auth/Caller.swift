/// Who is asking, as of this request: the verified claims and the user row (and session) read fresh from the database.
package struct Caller: Sendable {
    package let user: User
    package let claims: AccessClaims
    package let session: UserSession?

    package var userID: Int64 { claims.userID }
    /// The token's market; older tokens without one fall back to the user's.
    package var market: String { claims.market ?? user.market }
    package var sessionID: String? { session?.id }
}
