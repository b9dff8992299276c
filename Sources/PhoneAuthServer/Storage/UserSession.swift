import Foundation
import GRDB

/// A row of `user_sessions`: one sign-in on one device. Its refresh token is stored only as a hash.
struct UserSession: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "user_sessions"

    var id: String
    var userID: Int64
    var refreshTokenHash: Data
    var previousRefreshHash: Data?
    var rotatedAt: Date?
    var gracePayload: Data?
    var createdAt: Date
    /// Sliding expiry, pushed forward by each refresh but never past `absoluteExpiresAt`.
    var expiresAt: Date
    var absoluteExpiresAt: Date
    var lastActivityAt: Date
    var isActive: Bool
    var userAgent: String?
    var ip: String?
    var revokedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case userID = "user_id"
        case refreshTokenHash = "refresh_token_hash"
        case previousRefreshHash = "previous_refresh_hash"
        case rotatedAt = "rotated_at"
        case gracePayload = "grace_payload"
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case absoluteExpiresAt = "absolute_expires_at"
        case lastActivityAt = "last_activity_at"
        case isActive = "is_active"
        case userAgent = "user_agent"
        case ip
        case revokedAt = "revoked_at"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let userID = Column(CodingKeys.userID)
        static let refreshTokenHash = Column(CodingKeys.refreshTokenHash)
        static let previousRefreshHash = Column(CodingKeys.previousRefreshHash)
        static let isActive = Column(CodingKeys.isActive)
        static let expiresAt = Column(CodingKeys.expiresAt)
        static let revokedAt = Column(CodingKeys.revokedAt)
        static let lastActivityAt = Column(CodingKeys.lastActivityAt)
    }

    func isUsable(at now: Date) -> Bool {
        isActive && now < expiresAt && now < absoluteExpiresAt
    }
}
