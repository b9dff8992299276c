import Foundation
import GRDB
import PhoneAuthCore

/// Statements on an account's numbers: its history, and numbers in quarantine after leaving an account.
enum SQLiteAccountRows {
    /// A number attached to a user at its first sign-in (once).
    static func attach(_ db: Database, userID: Int64, phone: String, now: Date) throws {
        try db.run(
            """
            INSERT INTO phone_history (user_id, phone_number, from_at) SELECT ?, ?, ?
            WHERE NOT EXISTS (SELECT 1 FROM phone_history WHERE user_id = ? AND until_at IS NULL)
            """, [userID, phone, now, userID])
    }

    /// Every number the user has had, oldest first.
    static func history(_ db: Database, userID: Int64) throws -> [NumberHistoryEntry] {
        try Row.fetchAll(
            db, sql: "SELECT phone_number, from_at, until_at, reason FROM phone_history WHERE user_id = ? ORDER BY from_at, id", arguments: [userID]
        ).map { NumberHistoryEntry(phoneNumber: $0["phone_number"], from: $0["from_at"], until: $0["until_at"], reason: $0["reason"]) }
    }

    /// Until when the number with this digest stays in quarantine; nil when it is free.
    static func releasedUntil(_ db: Database, digest: String, now: Date) throws -> Date? {
        try Date.fetchOne(
            db.prepared("SELECT available_at FROM released_numbers WHERE phone_digest = ? AND available_at > ?"), arguments: [digest, now])
    }

    /// A number that left `userID`, in quarantine until `until`.
    static func release(_ db: Database, digest: String, userID: Int64, now: Date, until: Date) throws {
        try db.run(
            """
            INSERT INTO released_numbers (phone_digest, user_id, released_at, available_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (phone_digest) DO UPDATE SET user_id = excluded.user_id, released_at = excluded.released_at,
            available_at = excluded.available_at
            """, [digest, userID, now, until])
    }

    /// When the user last changed number.
    static func lastChange(_ db: Database, userID: Int64) throws -> Date? {
        try Date.fetchOne(db.prepared("SELECT MAX(until_at) FROM phone_history WHERE user_id = ? AND reason = 'changed'"), arguments: [userID])
    }

    /// Whether `user`, found holding the number at a sign-in by code, is dormant: as the operator answered (`recycled`,
    /// when it was asked), else by age: its last sign-in, and then (only if that is old) its sessions' last refresh,
    /// longer ago than `isDormant` allows. A ban stays with its number.
    static func isDormant(_ db: Database, _ user: User, guess: Guess, recycled: Bool?) throws -> Bool {
        guard user.isVerified, !user.isDisabled else { return false }
        if let recycled { return guess.isRecycled(recycled) }
        guard let id = user.id, guess.isDormant(user.lastLogin ?? user.createdAt) else { return false }
        let refreshed = try Date.fetchOne(db.prepared("SELECT MAX(rotated_at) FROM user_sessions WHERE user_id = ?"), arguments: [id])
        return guess.isDormant(refreshed ?? user.lastLogin ?? user.createdAt)
    }

    /// Takes the number from a dormant account (kept, with its data, for support): it signs in no more, its sessions
    /// end, and its history says `detached`.
    static func detach(_ db: Database, userID: Int64, now: Date) throws {
        try db.run(
            """
            UPDATE users SET phone_number = ?, is_active = 0, detached_at = ?, tokens_valid_after = ?, updated_at = ? WHERE id = ?
            """, ["detached:\(userID)", now, now, now, userID])
        try SQLiteEventRows.append(db, .user(.userDetached, userID, at: now))
        try SQLiteSessionRows.revokeAll(db, userID: userID, now: now)
        try db.run("UPDATE phone_history SET until_at = ?, reason = 'detached' WHERE user_id = ? AND until_at IS NULL", [now, userID])
    }
}
