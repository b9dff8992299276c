import Foundation

/// What a signed-in client keeps for one server: both tokens, when they expire, and who they belong to.
public struct StoredCredentials: Codable, Sendable, Equatable {
    public var accessToken: String
    public var accessExpiresAt: Date
    public var refreshToken: String
    public var refreshExpiresAt: Date
    public var userID: Int64
    public var market: String

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
