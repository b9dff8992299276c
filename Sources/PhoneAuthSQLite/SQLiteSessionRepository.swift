import Foundation
import GRDB
import PhoneAuthCore

/// Every SQL statement about `user_sessions`. SQLite serialises writers, so each write transaction below is atomic
/// against every other process on the file.
struct SQLiteSessionRepository: SessionRepository {
    let database: SQLiteDatabase

    /// The hot path: three cached, prepared statements in one read transaction.
    func callerState(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState? {
        try await database.writer.read { db in
            guard let user = try SQLiteUserRows.fetch(db, id: userID) else { return nil }
            let session = try sessionID.flatMap {
                try UserSession.fetchOne(
                    db.cachedStatement(sql: "SELECT * FROM user_sessions WHERE id = ? AND user_id = ?"), arguments: [$0, userID])
            }
            let cutoff = try SQLiteMarketRows.marketCutoff(db, market: market ?? user.market)
            return CallerState(user: user, session: session, marketForceLogoutAfter: cutoff)
        }
    }

    func current(refreshHash: Data) async throws -> (UserSession, User)? {
        try await database.writer.read { db in
            guard let session = try UserSession.filter(UserSession.Columns.refreshTokenHash == refreshHash).fetchOne(db),
                let user = try SQLiteUserRows.fetch(db, id: session.userID)
            else { return nil }
            return (session, user)
        }
    }

    func rotate(
        presentedHash: Data, replacement: (hash: Data, sealedPair: Data)?, now: Date, slidingLifetime: TimeInterval, graceWindow: TimeInterval
    ) async throws -> RotationOutcome {
        try await database.writer.write { db in
            let match: RotationDecision.Match? =
                if let session = try UserSession.filter(UserSession.Columns.refreshTokenHash == presentedHash).fetchOne(db) {
                    .current(session)
                } else {
                    try UserSession.filter(UserSession.Columns.previousRefreshHash == presentedHash).fetchOne(db).map { .retired($0) }
                }
            let user = try match.flatMap { try SQLiteUserRows.fetch(db, id: $0.session.userID) }
            let decision = RotationDecision.decide(
                match, user: user, replacement: replacement, presentedHash: presentedHash, now: now, slidingLifetime: slidingLifetime,
                graceWindow: graceWindow)
            switch decision {
            case .rotate(let session, _): try session.update(db)
            case .endSession(let session):
                try session.update(db)
                try SQLiteEventRows.append(db, .sessionEnded(session.id, userID: session.userID, at: now))
            case .replay, .disabled, .invalid: break
            }
            return decision.outcome
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
            try SQLiteSessionRows.revokeAll(db, userID: userID, only: id, now: now) > 0
        }
    }

    func logOut(userID: Int64, sessionID: String?, scope: LogoutScope, now: Date) async throws {
        try await database.writer.write { db in
            let plan = LogoutPlan(scope: scope, sessionID: sessionID)
            if plan.deactivatesUser { try SQLiteUserRows.deactivate(db, id: userID, now: now) }
            if let (except, only) = plan.revokeArguments {
                try SQLiteSessionRows.revokeAll(db, userID: userID, except: except, only: only, now: now)
            }
        }
    }

    func touch(id: String, now: Date, every: TimeInterval) async throws {
        try await database.writer.write { db in
            _ =
                try UserSession
                .filter(UserSession.Columns.id == id && UserSession.Columns.lastActivityAt < now.addingTimeInterval(-every))
                .updateAll(db, UserSession.Columns.lastActivityAt.set(to: now))
        }
    }
}
