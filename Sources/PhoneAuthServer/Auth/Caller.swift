/// Who is asking, as of this request: the verified claims and the user row (and session) read fresh from the database.
struct Caller: Sendable {
    let user: User
    let claims: AccessClaims
    let session: UserSession?

    var userID: Int64 { claims.userID }
    /// The token's market; older tokens without one fall back to the user's.
    var market: String { claims.market ?? user.market }
    var sessionID: String? { session?.id }
}
