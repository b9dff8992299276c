import Foundation
import PhoneAuthCore
import PostgresNIO

/// Every SQL statement about a user row on PostgreSQL. The static queries take the transaction of whoever runs them,
/// so sign-in, logout and force-logout stay one transaction each.
struct PostgresUserRepository: UserRepository {
    let database: PostgresDatabase

    func find(id: Int64) async throws -> User? {
        try await database.read { sql in try await PostgresUserRows.fetch(sql, id: id) }
    }

    func find(phone: String) async throws -> User? {
        try await database.read { sql in try await PostgresUserRows.fetch(sql, phone: phone) }
    }

    func search(_ search: UserSearch) async throws -> [User] {
        try await database.read { sql in
            try await sql.rows(
                """
                SELECT * FROM users WHERE full_name ILIKE \(search.namePattern) ESCAPE '\\' OR phone_number LIKE \(search.phonePattern) ESCAPE '\\'
                ORDER BY last_login DESC NULLS LAST, id DESC LIMIT \(search.limit)
                """
            ).map(User.init(row:))
        }
    }

    func countByMarket() async throws -> [String: Int] {
        try await database.read { sql in
            Dictionary(
                uniqueKeysWithValues: try await sql.rows("SELECT market, count(*) AS n FROM users GROUP BY market").map {
                    (try $0["market"].decode(String.self), try $0["n"].decode(Int.self))
                })
        }
    }

    func updateProfile(id: Int64, _ changes: ProfileChanges, ifUnchangedSince: Date?, now: Date) async throws -> User? {
        try await database.write(affecting: .user(id)) { sql in
            // The row lock makes the comparison and the write one unit against every other instance.
            guard let row = try await sql.row("SELECT * FROM users WHERE id = \(id) FOR UPDATE") else { return nil }
            var user = try User(row: row)
            if let ifUnchangedSince, user.updatedAt.milliseconds != ifUnchangedSince.milliseconds { return nil }
            if let fullName = changes.fullName { user.fullName = fullName }
            if let url = changes.profileImageURL { user.profileImageURL = url }
            if let language = changes.language { user.language = language }
            return try await sql.row(
                """
                UPDATE users SET full_name = \(user.fullName), profile_image_url = \(user.profileImageURL), language = \(user.language),
                updated_at = \(now) WHERE id = \(id) RETURNING *
                """
            ).map(User.init(row:))
        }
    }

    func reserve(phone: String, defaults: NewUserDefaults, now: Date) async throws -> User {
        try await database.writeReporting { sql in
            // One statement: a sign-in of the same number at the same moment ends up with this row, or this with its.
            let row = try await sql.row(
                """
                INSERT INTO users (phone_number, is_active, is_verified, market, language, country, created_at, updated_at)
                VALUES (\(phone), FALSE, FALSE, \(defaults.market), \(defaults.language), \(defaults.country), \(now), \(now))
                ON CONFLICT (phone_number) DO UPDATE SET phone_number = EXCLUDED.phone_number
                RETURNING *
                """)
            guard let row else { throw AppError.internalError }
            let user = try User(row: row)
            return (user, user.id.map(CallerChange.user) ?? .everyone)
        }
    }

    func setRole(userID: Int64, role: UserRole, now: Date) async throws -> User? {
        try await database.write(affecting: .user(userID)) { sql in
            guard let before = try await PostgresUserRows.fetch(sql, id: userID, forUpdate: true) else { return nil }
            if before.role != role.rawValue { try await PostgresEventRows.append(sql, .user(.userRoleChanged, userID, at: now)) }
            return try await sql.row(
                """
                UPDATE users SET permissions_updated_at = CASE WHEN role <> \(role.rawValue) THEN \(now) ELSE permissions_updated_at END,
                role = \(role.rawValue), updated_at = \(now) WHERE id = \(userID) RETURNING *
                """
            ).map(User.init(row:))
        }
    }

    func disable(userID: Int64, reason: String?, now: Date) async throws -> User? {
        try await database.write(affecting: .user(userID)) { sql in
            guard
                let row = try await sql.row(
                    """
                    UPDATE users SET disabled_at = COALESCE(disabled_at, \(now)), disabled_reason = \(reason), tokens_valid_after = \(now),
                    updated_at = \(now) WHERE id = \(userID) RETURNING *
                    """)
            else { return nil }
            try await PostgresEventRows.append(sql, .user(.userBanned, userID, at: now))
            try await PostgresSessionRows.revokeAll(sql, userID: userID, now: now)
            return try User(row: row)
        }
    }

    func enable(userID: Int64, now: Date) async throws -> User? {
        try await database.write(affecting: .user(userID)) { sql in
            if let row = try await sql.row(
                """
                UPDATE users SET disabled_at = NULL, disabled_reason = NULL, updated_at = \(now)
                WHERE id = \(userID) AND disabled_at IS NOT NULL RETURNING *
                """)
            {
                try await PostgresEventRows.append(sql, .user(.userUnbanned, userID, at: now))
                return try User(row: row)
            }
            return try await PostgresUserRows.fetch(sql, id: userID)
        }
    }
}
