/// Who is asking, as of this request: the verified claims and the user row read fresh from the database.
struct Caller: Sendable {
    let user: User
    let claims: AccessClaims

    var userID: Int64 { claims.userID }
}
