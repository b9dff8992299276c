import Foundation
import GRDB
import PhoneAuthCore

/// Appends to the event log inside the transaction making the change (SQLite has one writer: ids follow commits).
enum SQLiteEventRows {
    static func append(_ db: Database, _ event: AuthEvent) throws {
        try db.run(
            "INSERT INTO auth_events (type, user_id, session_id, market, occurred_at, data) VALUES (?, ?, ?, ?, ?, ?)",
            [event.kind.rawValue, event.userID, event.sessionID, event.market, event.at, event.data])
    }

    /// An event as stored; nil for a type this release does not know (a newer release wrote it).
    static func event(_ row: Row) -> AuthEvent? {
        guard let kind = AuthEvent.Kind(rawValue: row["type"]) else { return nil }
        return AuthEvent(
            id: row["id"], kind: kind, userID: row["user_id"], sessionID: row["session_id"], market: row["market"], at: row["occurred_at"],
            data: row["data"])
    }
}
