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
    /// Every number the user has had, oldest first.
    static func history(_ sql: PostgresExecutor, userID: Int64) async throws -> [NumberHistoryEntry] {
        try await sql.rows("SELECT phone_number, from_at, until_at, reason FROM phone_history WHERE user_id = \(userID) ORDER BY from_at, id").map {
            NumberHistoryEntry(
                phoneNumber: try $0["phone_number"].decode(String.self), from: try $0["from_at"].decode(Date.self),
                until: try $0["until_at"].decode(Date?.self), reason: try $0["reason"].decode(String?.self))
        }
    }

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

    /// Whether `user`, found holding the number at a sign-in by code, is dormant: as the operator answered (`recycled`,
    /// when it was asked), else by age: its last sign-in, and then (only if that is old) its sessions' last refresh,
    /// longer ago than `isDormant` allows. A ban stays with its number.
    static func isDormant(_ sql: PostgresExecutor, _ user: User, guess: Guess, recycled: Bool?) async throws -> Bool {
        guard user.isVerified, !user.isDisabled else { return false }
        if let recycled { return guess.isRecycled(recycled) }
        guard let id = user.id, guess.isDormant(user.lastLogin ?? user.createdAt) else { return false }
        let refreshed = try await sql.row("SELECT MAX(rotated_at) AS at FROM user_sessions WHERE user_id = \(id)")?["at"].decode(Date?.self)
        return guess.isDormant(refreshed ?? user.lastLogin ?? user.createdAt)
    }

    /// Takes the number from a dormant account (kept, with its data, for support): it signs in no more, its sessions
    /// end, and its history says `detached`.
    static func detach(_ sql: PostgresExecutor, userID: Int64, now: Date) async throws {
        try await sql.execute(
            """
            UPDATE users SET phone_number = \("detached:\(userID)"), is_active = FALSE, detached_at = \(now), tokens_valid_after = \(now),
            updated_at = \(now) WHERE id = \(userID)
            """)
        try await PostgresEventRows.append(sql, .user(.userDetached, userID, at: now))
        _ = try await PostgresSessionRows.revokeAll(sql, userID: userID, now: now)
        try await sql.execute("UPDATE phone_history SET until_at = \(now), reason = 'detached' WHERE user_id = \(userID) AND until_at IS NULL")
    }
}
