import Foundation
import GRDB
import PhoneAuthCore

/// Row-level statements on `users` that several repositories compose into their own transactions (sign-in, logout,
/// force-logout, every authenticated read).
enum SQLiteUserRows {
    /// A cached prepared statement: this runs on every authenticated request.
    static func fetch(_ db: Database, id: Int64) throws -> User? {
        try User.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE id = ?"), arguments: [id])
    }

    /// Whether the phone's user is disabled, and their language; nil when the phone has no user.
    /// Whether the number's user is banned, its language, and (for an account that signed in) its last sign-in.
    static func standing(_ db: Database, phone: String) throws -> (disabled: Bool, language: String, lastSignIn: Date?)? {
        try Row.fetchOne(
            db.prepared(
                """
                SELECT disabled_at IS NOT NULL AS disabled, language, CASE WHEN is_verified THEN COALESCE(last_login, created_at) END AS last_sign_in
                FROM users WHERE phone_number = ?
                """), arguments: [phone]
        ).map { (disabled: $0["disabled"], language: $0["language"], lastSignIn: $0["last_sign_in"]) }
    }

    static func fetch(_ db: Database, phone: String) throws -> User? {
        try User.fetchOne(db.prepared("SELECT * FROM users WHERE phone_number = ?"), arguments: [phone])
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
        try SQLiteEventRows.append(db, .user(.userLoggedOut, id, at: now))
    }

    /// A user's force-logout: tokens issued before `now` turn stale.
    static func stampForceLogout(_ db: Database, id: Int64, now: Date) throws {
        try db.run("UPDATE users SET force_logout_after = ?, updated_at = ? WHERE id = ?", [now, now, id])
    }
}
