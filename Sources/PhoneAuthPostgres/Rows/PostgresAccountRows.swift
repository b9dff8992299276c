import Foundation
import PhoneAuthCore
import PostgresNIO

/// Statements on an account's numbers: its history, and numbers in quarantine after leaving an account.
enum PostgresAccountRows {
    /// A number attached to a user at its first sign-in (once, if two first sign-ins race).
    static func attach(_ sql: PostgresExecutor, userID: Int64, phone: String, now: Date) async throws {
        try await sql.execute(
            """
            INSERT INTO phone_history (user_id, phone_number, from_at) SELECT \(userID), \(phone), \(now)
            WHERE NOT EXISTS (SELECT 1 FROM phone_history WHERE user_id = \(userID) AND until_at IS NULL)
            """)
    }

    /// Until when the number with this digest stays in quarantine; nil when it is free.
    static func releasedUntil(_ sql: PostgresExecutor, digest: String, now: Date) async throws -> Date? {
        try await sql.row("SELECT available_at FROM released_numbers WHERE phone_digest = \(digest) AND available_at > \(now)")?["available_at"]
            .decode(Date.self)
    }

    /// A number that left `userID`, in quarantine until `until`.
    static func release(_ sql: PostgresExecutor, digest: String, userID: Int64, now: Date, until: Date) async throws {
        try await sql.execute(
            """
            INSERT INTO released_numbers (phone_digest, user_id, released_at, available_at) VALUES (\(digest), \(userID), \(now), \(until))
            ON CONFLICT (phone_digest) DO UPDATE SET user_id = excluded.user_id, released_at = excluded.released_at,
            available_at = excluded.available_at
            """)
    }

    /// When the user last changed number.
    static func lastChange(_ sql: PostgresExecutor, userID: Int64) async throws -> Date? {
        try await sql.row("SELECT MAX(until_at) AS at FROM phone_history WHERE user_id = \(userID) AND reason = 'changed'")?["at"].decode(Date?.self)
    }
}
