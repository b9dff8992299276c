import Foundation

/// What a signed-in client keeps for one server: both tokens, when they expire, and who they belong to.
public struct StoredCredentials: Codable, Sendable, Equatable {
    /// The bearer token for API calls.
    public var accessToken: String
    /// When the access token expires.
    public var accessExpiresAt: Date
    /// The token that renews the pair.
    public var refreshToken: String
    /// When the session ends unless refreshed.
    public var refreshExpiresAt: Date
    /// The signed-in user's id.
    public var userID: Int64
    /// The signed-in user's market.
    public var market: String

    /// Credentials as a token grant describes them.
    public init(accessToken: String, accessExpiresAt: Date, refreshToken: String, refreshExpiresAt: Date, userID: Int64, market: String) {
        self.accessToken = accessToken
        self.accessExpiresAt = accessExpiresAt
        self.refreshToken = refreshToken
        self.refreshExpiresAt = refreshExpiresAt
        self.userID = userID
        self.market = market
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case accessExpiresAt = "access_expires_at"
        case refreshToken = "refresh_token"
        case refreshExpiresAt = "refresh_expires_at"
        case userID = "user_id"
        case market
    }
}
