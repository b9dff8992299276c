import Foundation
import GRDB
import PhoneAuthCore

/// Force-logout across users, and the `markets` cutoffs it stamps.
struct SQLiteAdminRepository: AdminRepository {
    let database: SQLiteDatabase

    func forceLogout(_ target: ForceLogoutTarget, now: Date) async throws -> Int {
        try await database.writer.write { db in
            try SQLiteEventRows.append(db, .forceLogout(target, at: now))
            let scope: (sql: String, arguments: StatementArguments)
            switch target {
            case .user(let id):
                try SQLiteUserRows.stampForceLogout(db, id: id, now: now)
                return try SQLiteSessionRows.revokeAll(db, userID: id, now: now)
            case .market(let code):
                try Self.stampMarket(db, code: code, now: now)
                scope = ("user_id IN (SELECT id FROM users WHERE market = ?)", [code])
            case .everyone:
                try Self.stampMarket(db, code: ForceLogoutTarget.everyMarketCode, now: now)
                scope = ("1 = 1", [])
            }
            try db.execute(
                sql: "UPDATE user_sessions SET is_active = 0, revoked_at = ? WHERE is_active = 1 AND \(scope.sql)",
                arguments: [now] + scope.arguments)
            return db.changesCount
        }
    }

    private static func stampMarket(_ db: Database, code: String, now: Date) throws {
        try db.execute(
            sql: """
                INSERT INTO markets (code, force_logout_after) VALUES (?, ?)
                ON CONFLICT(code) DO UPDATE SET force_logout_after = excluded.force_logout_after
                """,
            arguments: [code, now])
    }
}
