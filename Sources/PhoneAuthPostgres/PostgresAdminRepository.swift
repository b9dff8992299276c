import Foundation
import PhoneAuthCore
import PostgresNIO

/// Force-logout across users on PostgreSQL, and the `markets` cutoffs it stamps.
struct PostgresAdminRepository: AdminRepository {
    let database: PostgresDatabase

    func forceLogout(_ target: ForceLogoutTarget, now: Date) async throws -> Int {
        try await database.write { sql in
            try await PostgresEventRows.append(sql, .forceLogout(target, at: now))
            switch target {
            case .user(let id):
                try await PostgresUserRows.stampForceLogout(sql, id: id, now: now)
                return try await PostgresSessionRows.revokeAll(sql, userID: id, now: now)
            case .market(let code):
                try await Self.stampMarket(sql, code: code, now: now)
                return try await sql.rows(
                    """
                    UPDATE user_sessions SET is_active = FALSE, revoked_at = \(now)
                    WHERE is_active AND user_id IN (SELECT id FROM users WHERE market = \(code)) RETURNING id
                    """
                ).count
            case .everyone:
                try await Self.stampMarket(sql, code: ForceLogoutTarget.everyMarketCode, now: now)
                return try await sql.rows("UPDATE user_sessions SET is_active = FALSE, revoked_at = \(now) WHERE is_active RETURNING id").count
            }
        }
    }

    private static func stampMarket(_ sql: PostgresExecutor, code: String, now: Date) async throws {
        try await sql.execute(
            """
            INSERT INTO markets (code, force_logout_after) VALUES (\(code), \(now))
            ON CONFLICT (code) DO UPDATE SET force_logout_after = excluded.force_logout_after
            """)
    }
}
