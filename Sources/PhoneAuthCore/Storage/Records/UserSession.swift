import Foundation

/// A row of `user_sessions`: one sign-in on one device. Its refresh token is stored only as a hash.
package struct UserSession: Codable, Sendable, Equatable {
    package var id: String
    package var userID: Int64
    package var refreshTokenHash: Data
    package var previousRefreshHash: Data?
    package var rotatedAt: Date?
    package var gracePayload: Data?
    package var createdAt: Date
    /// Sliding expiry, pushed forward by each refresh but never past `absoluteExpiresAt`.
    package var expiresAt: Date
    package var absoluteExpiresAt: Date
    package var lastActivityAt: Date
    package var isActive: Bool
    package var userAgent: String?
    package var ip: String?
    package var revokedAt: Date?

    package enum CodingKeys: String, CodingKey {
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

    /// The row sign-in inserts.
    package init(opening session: NewSession, userID: Int64, now: Date) {
        self.init(
            id: session.id, userID: userID, refreshTokenHash: session.refreshTokenHash, previousRefreshHash: nil, rotatedAt: nil,
            gracePayload: nil, createdAt: now, expiresAt: session.expiresAt, absoluteExpiresAt: session.absoluteExpiresAt,
            lastActivityAt: now, isActive: true, userAgent: session.userAgent, ip: session.ip, revokedAt: nil)
    }

    package init(
        id: String, userID: Int64, refreshTokenHash: Data, previousRefreshHash: Data?, rotatedAt: Date?, gracePayload: Data?, createdAt: Date,
        expiresAt: Date, absoluteExpiresAt: Date, lastActivityAt: Date, isActive: Bool, userAgent: String?, ip: String?, revokedAt: Date?
    ) {
        self.id = id
        self.userID = userID
        self.refreshTokenHash = refreshTokenHash
        self.previousRefreshHash = previousRefreshHash
        self.rotatedAt = rotatedAt
        self.gracePayload = gracePayload
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.absoluteExpiresAt = absoluteExpiresAt
        self.lastActivityAt = lastActivityAt
        self.isActive = isActive
        self.userAgent = userAgent
        self.ip = ip
        self.revokedAt = revokedAt
    }

    /// The row after a rotation retired `presented` for `replacement`: the same on every backend.
    package mutating func rotate(from presented: Data, to replacement: (hash: Data, sealedPair: Data), now: Date, slidingLifetime: TimeInterval) {
        previousRefreshHash = presented
        refreshTokenHash = replacement.hash
        rotatedAt = now
        gracePayload = replacement.sealedPair
        expiresAt = min(now.addingTimeInterval(slidingLifetime), absoluteExpiresAt)
        lastActivityAt = now
    }

    /// The pair sealed at the last rotation, while a retired token presented now is still within `window` of it.
    package func graceReplay(at now: Date, window: TimeInterval) -> Data? {
        guard isUsable(at: now), let rotatedAt, now.timeIntervalSince(rotatedAt) <= window else { return nil }
        return gracePayload
    }

    package func isUsable(at now: Date) -> Bool {
        isActive && now < expiresAt && now < absoluteExpiresAt
    }
}
