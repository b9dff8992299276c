/// A signed-in session, the answer of `POST /auth/verify-code` and `POST /auth/refresh`.
public struct TokenGrant: Codable, Sendable, Equatable {
    /// The bearer token for API calls, valid for ``expiresIn`` seconds.
    public var accessToken: String
    /// Always `Bearer`.
    public var tokenType: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// Trades for a new pair at `POST /auth/refresh`; single use.
    public var refreshToken: String
    /// Seconds until the refresh token expires unless used.
    public var refreshExpiresIn: Int
    /// The signed-in user, as stored on the server now.
    public var user: UserProfile
    /// `detached` when this number belonged to an account unused for months (the number was likely given to someone
    /// new): that account was set aside and ``user`` is a fresh one. Tell the user, e.g. "this number was used by
    /// another account before". Absent otherwise.
    public var previousAccount: String?

    /// A grant of a token pair to `user`.
    public init(
        accessToken: String, tokenType: String = "Bearer", expiresIn: Int, refreshToken: String, refreshExpiresIn: Int,
        user: UserProfile, previousAccount: String? = nil
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
        self.refreshToken = refreshToken
        self.refreshExpiresIn = refreshExpiresIn
        self.user = user
        self.previousAccount = previousAccount
    }

    package enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case refreshExpiresIn = "refresh_expires_in"
        case user
        case previousAccount = "previous_account"
    }
}
