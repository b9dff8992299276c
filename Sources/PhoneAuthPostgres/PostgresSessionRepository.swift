import Foundation
import PhoneAuthCore
import PostgresNIO

/// Every SQL statement about `user_sessions` on PostgreSQL. Rotation locks the session row, so of concurrent refreshes
/// on any instances exactly one rotates and the others see the rotated row.
struct PostgresSessionRepository: SessionRepository {
    let database: PostgresDatabase

    /// The hot path: one round trip for the user, the session and the market cutoff.
    func callerState(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState? {
        try await database.read { sql in
            guard let user = try await PostgresUserRows.fetch(sql, id: userID) else { return nil }
            var session: UserSession?
            if let sessionID {
                session = try await sql.row("SELECT * FROM user_sessions WHERE id = \(sessionID) AND user_id = \(userID)")
                    .map(UserSession.init(row:))
            }
            let cutoff = try await PostgresMarketRows.marketCutoff(sql, market: market ?? user.market)
            return CallerState(user: user, session: session, marketForceLogoutAfter: cutoff)
        }
    }

    func current(refreshHash: Data) async throws -> (UserSession, User)? {
        try await database.read { sql in
            guard let row = try await sql.row("SELECT * FROM user_sessions WHERE refresh_token_hash = \(refreshHash.bytea)") else {
                return nil
            }
            let session = try UserSession(row: row)
            guard let user = try await PostgresUserRows.fetch(sql, id: session.userID) else { return nil }
            return (session, user)
        }
    }

    func rotate(
        presentedHash: Data, replacement: (hash: Data, sealedPair: Data)?, now: Date, slidingLifetime: TimeInterval, graceWindow: TimeInterval
    ) async throws -> RotationOutcome {
        try await database.writeReporting { sql in
            // FOR UPDATE: a concurrent rotation of the same row waits, then re-reads it and no longer matches.
            var match: RotationDecision.Match?
            if let row = try await sql.row("SELECT * FROM user_sessions WHERE refresh_token_hash = \(presentedHash.bytea) FOR UPDATE") {
                match = .current(try UserSession(row: row))
            } else if let row = try await sql.row(
                "SELECT * FROM user_sessions WHERE previous_refresh_hash = \(presentedHash.bytea) FOR UPDATE")
            {
                match = .retired(try UserSession(row: row))
            }
            var user: User?
            if let match { user = try await PostgresUserRows.fetch(sql, id: match.session.userID) }
            let decision = RotationDecision.decide(
                match, user: user, replacement: replacement, presentedHash: presentedHash, now: now, slidingLifetime: slidingLifetime,
                graceWindow: graceWindow)
            switch decision {
            case .rotate(let session, _): try await Self.save(sql, session)
            case .endSession(let session):
                try await Self.save(sql, session)
                try await PostgresEventRows.append(sql, .sessionEnded(session.id, userID: session.userID, at: now))
            case .replay, .disabled, .invalid: break
            }
            return (decision.outcome, match.map { .user($0.session.userID) } ?? .nobody)
        }
    }

    /// Writes back what a rotation changed on the session row.
    private static func save(_ sql: PostgresExecutor, _ session: UserSession) async throws {
        try await sql.execute(
            """
            UPDATE user_sessions SET previous_refresh_hash = \(session.previousRefreshHash?.bytea),
            refresh_token_hash = \(session.refreshTokenHash.bytea),
            rotated_at = \(session.rotatedAt), grace_payload = \(session.gracePayload?.bytea), expires_at = \(session.expiresAt),
            last_activity_at = \(session.lastActivityAt), is_active = \(session.isActive), revoked_at = \(session.revokedAt)
            WHERE id = \(session.id)
            """)
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
        try await database.write(affecting: .user(userID)) { sql in
            try await PostgresSessionRows.revokeAll(sql, userID: userID, only: id, now: now) > 0
        }
    }

    func logOut(userID: Int64, sessionID: String?, scope: LogoutScope, now: Date) async throws {
        try await database.write(affecting: .user(userID)) { sql in
            let plan = LogoutPlan(scope: scope, sessionID: sessionID)
            if plan.deactivatesUser { try await PostgresUserRows.deactivate(sql, id: userID, now: now) }
            if let (except, only) = plan.revokeArguments {
                try await PostgresSessionRows.revokeAll(sql, userID: userID, except: except, only: only, now: now)
            }
        }
    }

    func touch(id: String, now: Date, every: TimeInterval) async throws {
        try await database.writeReporting { sql in
            let touched = try await sql.row(
                """
                UPDATE user_sessions SET last_activity_at = \(now) WHERE id = \(id) AND last_activity_at < \(now.addingTimeInterval(-every))
                RETURNING user_id
                """)
            return ((), try touched.map { CallerChange.user(try $0["user_id"].decode(Int64.self)) } ?? .nobody)
        }
    }
}
