import Foundation
import GRDB

struct GRDBSessionRepository: SessionRepository {
    let database: AppDatabase

    /// The hot path: three cached, prepared statements in one read transaction.
    func state(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState? {
        try await database.writer.read { db in
            guard let user = try User.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [userID]) else {
                return nil
            }
            let session = try sessionID.flatMap {
                try UserSession.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM user_sessions WHERE id = ? AND user_id = ?"), arguments: [$0, userID])
            }
            // The market's own cutoff or the one for every market, whichever is later.
            let marketCutoff = try Date.fetchOne(
                db.cachedStatement(sql: "SELECT MAX(force_logout_after) FROM markets WHERE code IN (?, ?)"),
                arguments: [market ?? user.market, GRDBAdminRepository.everyMarket])
            return CallerState(user: user, session: session, marketForceLogoutAfter: marketCutoff)
        }
    }

    func current(refreshHash: Data) async throws -> (UserSession, User)? {
        try await database.writer.read { db in
            guard let session = try UserSession.filter(UserSession.Columns.refreshTokenHash == refreshHash).fetchOne(db),
                let user = try User.fetchOne(db, key: session.userID)
            else { return nil }
            return (session, user)
        }
    }

    func rotate(
        presentedHash: Data, replacement: (hash: Data, sealedPair: Data)?, now: Date, slidingLifetime: TimeInterval, graceWindow: TimeInterval
    ) async throws -> RotationOutcome {
        try await database.writer.write { db in
            if var session = try UserSession.filter(UserSession.Columns.refreshTokenHash == presentedHash).fetchOne(db) {
                guard let user = try User.fetchOne(db, key: session.userID) else { return .invalid }
                if user.isDisabled { return .disabled }
                guard let replacement, session.isUsable(at: now), user.isActive else { return .invalid }
                session.previousRefreshHash = presentedHash
                session.refreshTokenHash = replacement.hash
                session.rotatedAt = now
                session.gracePayload = replacement.sealedPair
                session.expiresAt = min(now.addingTimeInterval(slidingLifetime), session.absoluteExpiresAt)
                session.lastActivityAt = now
                try session.update(db)
                return .rotated(session, user)
            }
            guard var session = try UserSession.filter(UserSession.Columns.previousRefreshHash == presentedHash).fetchOne(db) else {
                return .invalid
            }
            let user = try User.fetchOne(db, key: session.userID)
            if user?.isDisabled == true { return .disabled }
            if session.isUsable(at: now), let rotatedAt = session.rotatedAt, now.timeIntervalSince(rotatedAt) <= graceWindow,
                let payload = session.gracePayload, let user, user.isActive
            {
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

    func revoke(id: String, userID: Int64, now: Date) async throws -> Bool {
        try await database.writer.write { db in
            try UserSession
                .filter(UserSession.Columns.id == id && UserSession.Columns.userID == userID && UserSession.Columns.isActive == true)
                .updateAll(db, UserSession.Columns.isActive.set(to: false), UserSession.Columns.revokedAt.set(to: now)) > 0
        }
    }

    func logOut(userID: Int64, sessionID: String?, scope: LogoutScope, now: Date) async throws {
        try await database.writer.write { db in
            var sessions = UserSession.filter(UserSession.Columns.userID == userID && UserSession.Columns.isActive == true)
            switch scope {
            case .global:
                _ = try User.filter(key: userID).updateAll(
                    db, User.Columns.isActive.set(to: false), User.Columns.tokensValidAfter.set(to: now), User.Columns.updatedAt.set(to: now))
            case .local:
                sessions = sessions.filter(UserSession.Columns.id == sessionID)
            case .others:
                if let sessionID { sessions = sessions.filter(UserSession.Columns.id != sessionID) }
            }
            _ = try sessions.updateAll(db, UserSession.Columns.isActive.set(to: false), UserSession.Columns.revokedAt.set(to: now))
        }
    }

    func touch(id: String, now: Date, every: TimeInterval) async throws {
        try await database.writer.write { db in
            _ = try UserSession
                .filter(UserSession.Columns.id == id && UserSession.Columns.lastActivityAt < now.addingTimeInterval(-every))
                .updateAll(db, UserSession.Columns.lastActivityAt.set(to: now))
        }
    }
}
