import Foundation
import PhoneAuthCore
import PostgresNIO

/// Row-level statements on `users` that several repositories compose into their own transactions (sign-in, logout,
/// force-logout, every authenticated read).
enum PostgresUserRows {
    static func fetch(_ sql: PostgresExecutor, id: Int64, forUpdate: Bool = false) async throws -> User? {
        let row =
            forUpdate
            ? try await sql.row("SELECT * FROM users WHERE id = \(id) FOR UPDATE")
            : try await sql.row("SELECT * FROM users WHERE id = \(id)")
        return try row.map(User.init(row:))
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
        try await PostgresEventRows.append(sql, .user(.userLoggedOut, id, at: now))
    }

    /// A user's force-logout: tokens issued before `now` turn stale.
    static func stampForceLogout(_ sql: PostgresExecutor, id: Int64, now: Date) async throws {
        try await sql.execute("UPDATE users SET force_logout_after = \(now), updated_at = \(now) WHERE id = \(id)")
    }
}
