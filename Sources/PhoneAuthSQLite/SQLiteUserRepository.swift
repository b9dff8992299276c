import Foundation
import GRDB
import PhoneAuthCore

/// Every SQL statement about a user row. The static queries take a `Database` so that the sign-in, logout and
/// force-logout transactions of other repositories run them inside their own transaction.
struct SQLiteUserRepository: UserRepository {
    let database: SQLiteDatabase

    func find(id: Int64) async throws -> User? {
        try await database.writer.read { db in try SQLiteUserRows.fetch(db, id: id) }
    }

    func find(phone: String) async throws -> User? {
        try await database.writer.read { db in try SQLiteUserRows.fetch(db, phone: phone) }
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
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT market, count(*) AS n FROM users GROUP BY market").map {
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

    func reserve(phone: String, defaults: NewUserDefaults, now: Date) async throws -> User {
        try await database.writer.write { db in
            if let existing = try SQLiteUserRows.fetch(db, phone: phone) { return existing }
            var user = User(newPhone: phone, defaults: defaults, now: now)
            user.isActive = false
            try user.insert(db)
            return user
        }
    }

    func setRole(userID: Int64, role: UserRole, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: userID) else { return nil }
            if role.rawValue != user.role {
                user.role = role.rawValue
                user.permissionsUpdatedAt = now
                try SQLiteEventRows.append(db, .user(.userRoleChanged, userID, at: now))
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
            try SQLiteEventRows.append(db, .user(.userBanned, userID, at: now))
            try SQLiteSessionRows.revokeAll(db, userID: userID, now: now)
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
            try SQLiteEventRows.append(db, .user(.userUnbanned, userID, at: now))
            return user
        }
    }
}
