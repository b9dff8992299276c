import Foundation
import GRDB

/// Every SQL statement about a user row. The static queries take a `Database` so that the sign-in, logout and
/// force-logout transactions of other repositories run them inside their own transaction.
struct SQLiteUserRepository: UserRepository {
    let database: SQLiteDatabase

    func find(id: Int64) async throws -> User? {
        try await database.writer.read { db in try Self.fetch(db, id: id) }
    }

    func find(phone: String) async throws -> User? {
        try await database.writer.read { db in try Self.fetch(db, phone: phone) }
    }

    func search(_ search: UserSearch) async throws -> [User] {
        try await database.writer.read { db in
            try User.fetchAll(
                db,
                sql: """
                    SELECT * FROM users WHERE full_name LIKE ? ESCAPE '\\' OR phone_number LIKE ? ESCAPE '\\'
                    ORDER BY last_login IS NULL, last_login DESC, id DESC LIMIT ?
                    """,
                arguments: [search.namePattern, search.phonePattern, search.limit])
        }
    }

    func countByMarket() async throws -> [String: Int] {
        try await database.writer.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT market, count(*) AS n FROM users GROUP BY market").map {
                (row: Row) in (row["market"] as String, row["n"] as Int)
            })
        }
    }

    func updateProfile(id: Int64, _ changes: ProfileChanges, ifUnchangedSince: Date?, now: Date) async throws -> User? {
        // SQLite has one writer: the read and the write below are one locked unit.
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: id) else { return nil }
            if let ifUnchangedSince, user.updatedAt.milliseconds != ifUnchangedSince.milliseconds { return nil }
            if let fullName = changes.fullName { user.fullName = fullName }
            if let url = changes.profileImageURL { user.profileImageURL = url }
            if let language = changes.language { user.language = language }
            user.updatedAt = now
            try user.update(db)
            return user
        }
    }

    func setRole(userID: Int64, role: UserRole, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: userID) else { return nil }
            if role.rawValue != user.role {
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
            try SQLiteSessionRepository.revokeAll(db, userID: userID, now: now)
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

    // MARK: Queries other transactions compose

    /// A cached prepared statement: this runs on every authenticated request.
    static func fetch(_ db: Database, id: Int64) throws -> User? {
        try User.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id])
    }

    /// Whether the phone belongs to a disabled user.
    static func isDisabled(_ db: Database, phone: String) throws -> Bool {
        try User.filter(User.Columns.phoneNumber == phone && User.Columns.disabledAt != nil).fetchCount(db) > 0
    }

    static func fetch(_ db: Database, phone: String) throws -> User? {
        try User.filter(User.Columns.phoneNumber == phone).fetchOne(db)
    }

    /// Sign-in: creates the user with the market's defaults, or marks the existing one active and verified.
    static func activate(_ db: Database, existing: User?, phone: String, defaults: NewUserDefaults, now: Date) throws -> User {
        var user = existing ?? User(newPhone: phone, defaults: defaults, now: now)
        user.isActive = true
        user.isVerified = true
        user.lastLogin = now
        user.updatedAt = now
        try user.save(db)
        return user
    }

    /// Global logout: inactive until the next sign-in, and every token issued so far refused.
    static func deactivate(_ db: Database, id: Int64, now: Date) throws {
        _ = try User.filter(key: id).updateAll(
            db, User.Columns.isActive.set(to: false), User.Columns.tokensValidAfter.set(to: now), User.Columns.updatedAt.set(to: now))
    }

    /// A user's force-logout: tokens issued before `now` turn stale.
    static func stampForceLogout(_ db: Database, id: Int64, now: Date) throws {
        try db.execute(sql: "UPDATE users SET force_logout_after = ?, updated_at = ? WHERE id = ?", arguments: [now, now, id])
    }
}
