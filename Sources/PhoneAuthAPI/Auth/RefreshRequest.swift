/// The body of `POST /auth/refresh`.
public struct RefreshRequest: Codable, Sendable, Equatable {
    /// The single-use refresh token of the newest ``TokenGrant``.
    public var refreshToken: String

    /// A trade of `refreshToken`.
    public init(refreshToken: String) {
        self.refreshToken = refreshToken
    }

    package enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}
