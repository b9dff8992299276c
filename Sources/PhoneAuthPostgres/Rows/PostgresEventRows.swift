import Foundation
import PhoneAuthCore
import PostgresNIO

/// Appends to the event log inside the transaction making the change. Ids come from a sequence, which gives them out
/// in the order transactions ask but not in the order they commit: a reader that saw 11 could later meet 10. So an
/// append first takes a transaction lock every append takes, held to commit: the next id is drawn only once the
/// previous holder committed or rolled back, and a reader never sees a later id before an earlier one.
enum PostgresEventRows {
    static func append(_ sql: PostgresExecutor, _ event: AuthEvent) async throws {
        try await sql.execute(
            """
            INSERT INTO auth_events (type, user_id, session_id, market, occurred_at, data)
            SELECT \(event.kind.rawValue), \(event.userID), \(event.sessionID), \(event.market), \(event.at), \(event.data)
            FROM (SELECT pg_advisory_xact_lock(hashtextextended('auth-events', 0))) AS ordered
            """)
    }

    /// An event as stored; nil for a type this release does not know (a newer release wrote it).
    static func event(_ row: PostgresRandomAccessRow) throws -> AuthEvent? {
        guard let kind = AuthEvent.Kind(rawValue: try row["type"].decode(String.self)) else { return nil }
        return AuthEvent(
            id: try row["id"].decode(Int64.self), kind: kind, userID: try row["user_id"].decode(Int64?.self),
            sessionID: try row["session_id"].decode(String?.self), market: try row["market"].decode(String?.self),
            at: try row["occurred_at"].decode(Date.self), data: try row["data"].decode(String?.self))
    }
}
