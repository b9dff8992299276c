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

    func update(userID: Int64, role: UserRole?, isActive: Bool?, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: userID) else { return nil }
            if let role, role.rawValue != user.role {
                user.role = role.rawValue
                user.permissionsUpdatedAt = now
            }
            if let isActive { user.isActive = isActive }
            user.updatedAt = now
            try user.update(db)
            return user
        }
    }

    func forceLogout(_ target: ForceLogoutTarget, now: Date) async throws -> Int {
        try await database.writer.write { db in
            let sessions: String
            switch target {
            case .user(let id):
                try db.execute(sql: "UPDATE users SET force_logout_after = ?, updated_at = ? WHERE id = ?", arguments: [now, now, id])
                sessions = "user_id = \(id)"
            case .market(let code):
                try Self.stampMarket(db, code: code, now: now)
                sessions = "user_id IN (SELECT id FROM users WHERE market = \(code.quotedDatabaseValue))"
            case .everyone:
                try Self.stampMarket(db, code: Self.everyMarket, now: now)
                sessions = "1 = 1"
            }
            try db.execute(sql: "UPDATE user_sessions SET is_active = 0, revoked_at = ? WHERE is_active = 1 AND \(sessions)", arguments: [now])
            return db.changesCount
        }
    }

    private static func stampMarket(_ db: Database, code: String, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO markets (code, force_logout_after) VALUES (?, ?) ON CONFLICT(code) DO UPDATE SET force_logout_after = excluded.force_logout_after",
            arguments: [code, now])
    }
}

extension String {
    /// An SQL string literal, for the rare fragment built from a value (here a market code already validated).
    fileprivate var quotedDatabaseValue: String { "'" + replacingOccurrences(of: "'", with: "''") + "'" }
}
