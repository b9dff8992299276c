import Foundation
import PostgresNIO

/// Every SQL statement about `user_sessions` on PostgreSQL. Rotation locks the session row, so of concurrent refreshes
/// on any instances exactly one rotates and the others see the rotated row.
struct PostgresSessionRepository: SessionRepository {
    let database: PostgresDatabase

    /// The hot path: one round trip for the user, the session and the market cutoff.
    func callerState(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState? {
        try await database.read { sql in
            guard let user = try await PostgresUserRepository.fetch(sql, id: userID) else { return nil }
            var session: UserSession?
            if let sessionID {
                session = try await sql.row("SELECT * FROM user_sessions WHERE id = \(sessionID) AND user_id = \(userID)")
                    .map(UserSession.init(row:))
            }
            let cutoff = try await PostgresAdminRepository.marketCutoff(sql, market: market ?? user.market)
            return CallerState(user: user, session: session, marketForceLogoutAfter: cutoff)
        }
    }

    func current(refreshHash: Data) async throws -> (UserSession, User)? {
        try await database.read { sql in
            guard let row = try await sql.row("SELECT * FROM user_sessions WHERE refresh_token_hash = \(refreshHash.bytea)") else {
                return nil
            }
            let session = try UserSession(row: row)
            guard let user = try await PostgresUserRepository.fetch(sql, id: session.userID) else { return nil }
            return (session, user)
        }
    }

    func rotate(
        presentedHash: Data, replacement: (hash: Data, sealedPair: Data)?, now: Date, slidingLifetime: TimeInterval, graceWindow: TimeInterval
    ) async throws -> RotationOutcome {
        try await database.write { sql in
            // FOR UPDATE: a concurrent rotation of the same row waits, then re-reads it and no longer matches.
            if let row = try await sql.row("SELECT * FROM user_sessions WHERE refresh_token_hash = \(presentedHash.bytea) FOR UPDATE") {
                var session = try UserSession(row: row)
                guard let user = try await PostgresUserRepository.fetch(sql, id: session.userID) else { return .invalid }
                if user.isDisabled { return .disabled }
                guard let replacement, session.isUsable(at: now), user.isActive else { return .invalid }
                session.rotate(from: presentedHash, to: replacement, now: now, slidingLifetime: slidingLifetime)
                try await sql.execute(
                    """
                    UPDATE user_sessions SET previous_refresh_hash = \(presentedHash.bytea), refresh_token_hash = \(replacement.hash.bytea),
                    rotated_at = \(now), grace_payload = \(replacement.sealedPair.bytea), expires_at = \(session.expiresAt),
                    last_activity_at = \(now) WHERE id = \(session.id)
                    """)
                return .rotated(session, user)
            }
            guard let row = try await sql.row("SELECT * FROM user_sessions WHERE previous_refresh_hash = \(presentedHash.bytea) FOR UPDATE")
            else { return .invalid }
            let session = try UserSession(row: row)
            let user = try await PostgresUserRepository.fetch(sql, id: session.userID)
            if user?.isDisabled == true { return .disabled }
            if let payload = session.graceReplay(at: now, window: graceWindow), let user, user.isActive {
                return .graceReplay(payload: payload, user: user)
            }
            // A retired token came back: whoever holds it may be a thief, so the session ends for everyone.
            try await sql.execute(
                """
                UPDATE user_sessions SET is_active = FALSE, revoked_at = COALESCE(revoked_at, \(now)), grace_payload = NULL
                WHERE id = \(session.id)
                """)
            return .reused
        }
    }

    func listActive(userID: Int64, now: Date) async throws -> [UserSession] {
        try await database.read { sql in
            try await sql.rows(
                """
                SELECT * FROM user_sessions WHERE user_id = \(userID) AND is_active AND expires_at > \(now) AND absolute_expires_at > \(now)
                ORDER BY last_activity_at DESC
                """
            ).map(UserSession.init(row:))
        }
    }

    func listAll(userID: Int64) async throws -> [UserSession] {
        try await database.read { sql in
            try await sql.rows("SELECT * FROM user_sessions WHERE user_id = \(userID) ORDER BY last_activity_at DESC").map(UserSession.init(row:))
        }
    }

    func revoke(id: String, userID: Int64, now: Date) async throws -> Bool {
        try await database.write { sql in
            try await sql.row(
                """
                UPDATE user_sessions SET is_active = FALSE, revoked_at = \(now)
                WHERE id = \(id) AND user_id = \(userID) AND is_active RETURNING id
                """) != nil
        }
    }

    func logOut(userID: Int64, sessionID: String?, scope: LogoutScope, now: Date) async throws {
        try await database.write { sql in
            switch scope {
            case .global:
                try await PostgresUserRepository.deactivate(sql, id: userID, now: now)
                try await Self.revokeAll(sql, userID: userID, now: now)
            case .local:
                if let sessionID { try await Self.revokeAll(sql, userID: userID, only: sessionID, now: now) }
            case .others:
                try await Self.revokeAll(sql, userID: userID, except: sessionID, now: now)
            }
        }
    }

    func touch(id: String, now: Date, every: TimeInterval) async throws {
        try await database.write { sql in
            try await sql.execute(
                "UPDATE user_sessions SET last_activity_at = \(now) WHERE id = \(id) AND last_activity_at < \(now.addingTimeInterval(-every))")
        }
    }

    // MARK: Queries other transactions compose

    static func open(_ sql: PostgresExecutor, _ session: NewSession, userID: Int64, now: Date) async throws {
        try await sql.execute(
            """
            INSERT INTO user_sessions (id, user_id, refresh_token_hash, created_at, expires_at, absolute_expires_at, last_activity_at,
            is_active, user_agent, ip)
            VALUES (\(session.id), \(userID), \(session.refreshTokenHash.bytea), \(now), \(session.expiresAt), \(session.absoluteExpiresAt),
            \(now), TRUE, \(session.userAgent), \(session.ip))
            """)
    }

    /// Ends the user's active sessions: all of them, all but `except`, or `only` one. Returns how many ended.
    @discardableResult
    static func revokeAll(_ sql: PostgresExecutor, userID: Int64, except: String? = nil, only: String? = nil, now: Date) async throws -> Int {
        try await sql.rows(
            """
            UPDATE user_sessions SET is_active = FALSE, revoked_at = \(now)
            WHERE user_id = \(userID) AND is_active AND (\(except)::text IS NULL OR id <> \(except)) AND (\(only)::text IS NULL OR id = \(only))
            RETURNING id
            """
        ).count
    }
}
