import Foundation
import GRDB

struct GRDBAdminRepository: AdminRepository {
    let database: AppDatabase

    /// The `markets` row whose cutoff applies to every market.
    static let everyMarket = "*"

    func user(id: Int64) async throws -> User? {
        try await database.writer.read { db in try User.fetchOne(db, key: id) }
    }

    func user(phone: String) async throws -> User? {
        try await database.writer.read { db in try User.filter(User.Columns.phoneNumber == phone).fetchOne(db) }
    }

    func sessions(userID: Int64) async throws -> [UserSession] {
        try await database.writer.read { db in
            try UserSession.filter(UserSession.Columns.userID == userID).order(UserSession.Columns.lastActivityAt.desc).fetchAll(db)
        }
    }

    func update(userID: Int64, role: UserRole?, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: userID) else { return nil }
            if let role, role.rawValue != user.role {
                user.role = role.rawValue
                user.permissionsUpdatedAt = now
            }
            user.updatedAt = now
            try user.update(db)
            return user
        }
    }

    func disable(userID: Int64, reason: String?, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: userID) else { return nil }
            user.disabledAt = user.disabledAt ?? now
            user.disabledReason = reason
            user.tokensValidAfter = now
            user.updatedAt = now
            try user.update(db)
            try db.execute(
                sql: "UPDATE user_sessions SET is_active = 0, revoked_at = ? WHERE is_active = 1 AND user_id = ?", arguments: [now, userID])
            return user
        }
    }

    func enable(userID: Int64, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: userID) else { return nil }
            guard user.isDisabled else { return user }
            user.disabledAt = nil
            user.disabledReason = nil
            user.updatedAt = now
            try user.update(db)
            return user
        }
    }

    func forceLogout(_ target: ForceLogoutTarget, now: Date) async throws -> Int {
        try await database.writer.write { db in
            let scope: (sql: String, arguments: StatementArguments)
            switch target {
            case .user(let id):
                try db.execute(sql: "UPDATE users SET force_logout_after = ?, updated_at = ? WHERE id = ?", arguments: [now, now, id])
                scope = ("user_id = ?", [id])
            case .market(let code):
                try Self.stampMarket(db, code: code, now: now)
                scope = ("user_id IN (SELECT id FROM users WHERE market = ?)", [code])
            case .everyone:
                try Self.stampMarket(db, code: Self.everyMarket, now: now)
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
