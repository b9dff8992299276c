import Foundation
import PostgresNIO

/// Every SQL statement about a user row on PostgreSQL. The static queries take the transaction of whoever runs them,
/// so sign-in, logout and force-logout stay one transaction each.
struct PostgresUserRepository: UserRepository {
    let database: PostgresDatabase

    func find(id: Int64) async throws -> User? {
        try await database.read { sql in try await Self.fetch(sql, id: id) }
    }

    func find(phone: String) async throws -> User? {
        try await database.read { sql in try await Self.fetch(sql, phone: phone) }
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
            Dictionary(uniqueKeysWithValues: try await sql.rows("SELECT market, count(*) AS n FROM users GROUP BY market").map {
                (try $0["market"].decode(String.self), try $0["n"].decode(Int.self))
            })
        }
    }

    func updateProfile(id: Int64, _ changes: ProfileChanges, ifUnchangedSince: Date?, now: Date) async throws -> User? {
        try await database.write { sql in
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

    func setRole(userID: Int64, role: UserRole, now: Date) async throws -> User? {
        try await database.write { sql in
            try await sql.row(
                """
                UPDATE users SET permissions_updated_at = CASE WHEN role <> \(role.rawValue) THEN \(now) ELSE permissions_updated_at END,
                role = \(role.rawValue), updated_at = \(now) WHERE id = \(userID) RETURNING *
                """
            ).map(User.init(row:))
        }
    }

    func disable(userID: Int64, reason: String?, now: Date) async throws -> User? {
        try await database.write { sql in
            guard let row = try await sql.row(
                """
                UPDATE users SET disabled_at = COALESCE(disabled_at, \(now)), disabled_reason = \(reason), tokens_valid_after = \(now),
                updated_at = \(now) WHERE id = \(userID) RETURNING *
                """)
            else { return nil }
            try await PostgresSessionRepository.revokeAll(sql, userID: userID, now: now)
            return try User(row: row)
        }
    }

    func enable(userID: Int64, now: Date) async throws -> User? {
        try await database.write { sql in
            if let row = try await sql.row(
                """
                UPDATE users SET disabled_at = NULL, disabled_reason = NULL, updated_at = \(now)
                WHERE id = \(userID) AND disabled_at IS NOT NULL RETURNING *
                """)
            {
                return try User(row: row)
            }
            return try await Self.fetch(sql, id: userID)
        }
    }

    // MARK: Queries other transactions compose

    static func fetch(_ sql: PostgresExecutor, id: Int64) async throws -> User? {
        try await sql.row("SELECT * FROM users WHERE id = \(id)").map(User.init(row:))
    }

    /// Whether the phone belongs to a disabled user.
    static func isDisabled(_ sql: PostgresExecutor, phone: String) async throws -> Bool {
        try await sql.row("SELECT 1 AS one FROM users WHERE phone_number = \(phone) AND disabled_at IS NOT NULL") != nil
    }

    static func fetch(_ sql: PostgresExecutor, phone: String, forUpdate: Bool = false) async throws -> User? {
        let row =
            forUpdate
            ? try await sql.row("SELECT * FROM users WHERE phone_number = \(phone) FOR UPDATE")
            : try await sql.row("SELECT * FROM users WHERE phone_number = \(phone)")
        return try row.map(User.init(row:))
    }

    /// Sign-in: creates the user with the market's defaults or marks the existing one active and verified, in one
    /// statement (two instances signing in one new phone at once both end up with the same row).
    static func activate(_ sql: PostgresExecutor, phone: String, defaults: NewUserDefaults, now: Date) async throws -> User {
        let row = try await sql.row(
            """
            INSERT INTO users (phone_number, is_active, is_verified, last_login, market, language, country, created_at, updated_at)
            VALUES (\(phone), TRUE, TRUE, \(now), \(defaults.market), \(defaults.language), \(defaults.country), \(now), \(now))
            ON CONFLICT (phone_number) DO UPDATE SET is_active = TRUE, is_verified = TRUE, last_login = \(now), updated_at = \(now)
            RETURNING *
            """)
        guard let row else { throw AppError.internalError }
        return try User(row: row)
    }

    /// Global logout: inactive until the next sign-in, and every token issued so far refused.
    static func deactivate(_ sql: PostgresExecutor, id: Int64, now: Date) async throws {
        try await sql.execute("UPDATE users SET is_active = FALSE, tokens_valid_after = \(now), updated_at = \(now) WHERE id = \(id)")
    }

    /// A user's force-logout: tokens issued before `now` turn stale.
    static func stampForceLogout(_ sql: PostgresExecutor, id: Int64, now: Date) async throws {
        try await sql.execute("UPDATE users SET force_logout_after = \(now), updated_at = \(now) WHERE id = \(id)")
    }
}
