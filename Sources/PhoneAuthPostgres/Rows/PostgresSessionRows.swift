import Foundation
import PhoneAuthCore
import PostgresNIO

/// Row-level statements on `user_sessions` that sign-in, logout and bans compose into their own transactions.
enum PostgresSessionRows {
    static func open(_ sql: PostgresExecutor, _ session: NewSession, userID: Int64, now: Date) async throws {
        try await sql.execute(
            """
            INSERT INTO user_sessions (id, user_id, refresh_token_hash, created_at, expires_at, absolute_expires_at, last_activity_at,
            is_active, user_agent, ip)
            VALUES (\(session.id), \(userID), \(session.refreshTokenHash.bytea), \(now), \(session.expiresAt), \(session.absoluteExpiresAt),
            \(now), TRUE, \(session.userAgent), \(session.ip))
            """)
    }

    /// Ends the user's active sessions: all of them, all but `except`, or `only` one; each ending is an event. Returns
    /// how many ended.
    @discardableResult
    static func revokeAll(_ sql: PostgresExecutor, userID: Int64, except: String? = nil, only: String? = nil, now: Date) async throws -> Int {
        let ended = try await sql.rows(
            """
            UPDATE user_sessions SET is_active = FALSE, revoked_at = \(now)
            WHERE user_id = \(userID) AND is_active AND (\(except)::text IS NULL OR id <> \(except)) AND (\(only)::text IS NULL OR id = \(only))
            RETURNING id
            """
        ).map { try $0["id"].decode(String.self) }
        for id in ended { try await PostgresEventRows.append(sql, .sessionEnded(id, userID: userID, at: now)) }
        return ended.count
    }
}
