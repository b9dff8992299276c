import Foundation
import GRDB

/// Every SQL statement about `user_sessions`. SQLite serialises writers, so each write transaction below is atomic
/// against every other process on the file.
struct SQLiteSessionRepository: SessionRepository {
    let database: SQLiteDatabase

    /// The hot path: three cached, prepared statements in one read transaction.
    func callerState(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState? {
        try await database.writer.read { db in
            guard let user = try SQLiteUserRepository.fetch(db, id: userID) else { return nil }
            let session = try sessionID.flatMap {
                try UserSession.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM user_sessions WHERE id = ? AND user_id = ?"), arguments: [$0, userID])
            }
            let cutoff = try SQLiteAdminRepository.marketCutoff(db, market: market ?? user.market)
            return CallerState(user: user, session: session, marketForceLogoutAfter: cutoff)
        }
    }

    func current(refreshHash: Data) async throws -> (UserSession, User)? {
        try await database.writer.read { db in
            guard let session = try UserSession.filter(UserSession.Columns.refreshTokenHash == refreshHash).fetchOne(db),
                let user = try SQLiteUserRepository.fetch(db, id: session.userID)
            else { return nil }
            return (session, user)
        }
    }

    func rotate(
        presentedHash: Data, replacement: (hash: Data, sealedPair: Data)?, now: Date, slidingLifetime: TimeInterval, graceWindow: TimeInterval
    ) async throws -> RotationOutcome {
        try await database.writer.write { db in
            if var session = try UserSession.filter(UserSession.Columns.refreshTokenHash == presentedHash).fetchOne(db) {
                guard let user = try SQLiteUserRepository.fetch(db, id: session.userID) else { return .invalid }
                if user.isDisabled { return .disabled }
                guard let replacement, session.isUsable(at: now), user.isActive else { return .invalid }
                session.rotate(from: presentedHash, to: replacement, now: now, slidingLifetime: slidingLifetime)
                try session.update(db)
                return .rotated(session, user)
            }
            guard var session = try UserSession.filter(UserSession.Columns.previousRefreshHash == presentedHash).fetchOne(db) else {
                return .invalid
            }
            let user = try SQLiteUserRepository.fetch(db, id: session.userID)
            if user?.isDisabled == true { return .disabled }
            if let payload = session.graceReplay(at: now, window: graceWindow), let user, user.isActive {
                return .graceReplay(payload: payload, user: user)
            }
            // A retired token came back: whoever holds it may be a thief, so the session ends for everyone.
            session.isActive = false
            session.revokedAt = session.revokedAt ?? now
            session.gracePayload = nil
            try session.update(db)
            return .reused
        }
    }

    func listActive(userID: Int64, now: Date) async throws -> [UserSession] {
        try await database.writer.read { db in
            try UserSession
                .filter(UserSession.Columns.userID == userID && UserSession.Columns.isActive == true && UserSession.Columns.expiresAt > now)
                .order(UserSession.Columns.lastActivityAt.desc)
                .fetchAll(db)
                .filter { $0.isUsable(at: now) }
        }
    }

    func listAll(userID: Int64) async throws -> [UserSession] {
        try await database.writer.read { db in
            try UserSession.filter(UserSession.Columns.userID == userID).order(UserSession.Columns.lastActivityAt.desc).fetchAll(db)
        }
    }

    func revoke(id: String, userID: Int64, now: Date) async throws -> Bool {
        try await database.writer.write { db in
            try UserSession
                .filter(UserSession.Columns.id == id && UserSession.Columns.userID == userID && UserSession.Columns.isActive == true)
                .updateAll(db, UserSession.Columns.isActive.set(to: false), UserSession.Columns.revokedAt.set(to: now)) > 0
        }
    }

    func logOut(userID: Int64, sessionID: String?, scope: LogoutScope, now: Date) async throws {
        try await database.writer.write { db in
            switch scope {
            case .global:
                try SQLiteUserRepository.deactivate(db, id: userID, now: now)
                try Self.revokeAll(db, userID: userID, now: now)
            case .local:
                if let sessionID { try Self.revokeAll(db, userID: userID, only: sessionID, now: now) }
            case .others:
                try Self.revokeAll(db, userID: userID, except: sessionID, now: now)
            }
        }
    }

    func touch(id: String, now: Date, every: TimeInterval) async throws {
        try await database.writer.write { db in
            _ = try UserSession
                .filter(UserSession.Columns.id == id && UserSession.Columns.lastActivityAt < now.addingTimeInterval(-every))
                .updateAll(db, UserSession.Columns.lastActivityAt.set(to: now))
        }
    }

    // MARK: Queries other transactions compose

    static func open(_ db: Database, _ session: NewSession, userID: Int64, now: Date) throws {
        try UserSession(opening: session, userID: userID, now: now).insert(db)
    }

    /// Ends the user's active sessions: all of them, all but `except`, or `only` one.
    static func revokeAll(_ db: Database, userID: Int64, except: String? = nil, only: String? = nil, now: Date) throws {
        var sessions = UserSession.filter(UserSession.Columns.userID == userID && UserSession.Columns.isActive == true)
        if let except { sessions = sessions.filter(UserSession.Columns.id != except) }
        if let only { sessions = sessions.filter(UserSession.Columns.id == only) }
        _ = try sessions.updateAll(db, UserSession.Columns.isActive.set(to: false), UserSession.Columns.revokedAt.set(to: now))
    }
}
