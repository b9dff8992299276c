import Foundation
import PhoneAuthCore
import PostgresNIO

/// Counting events of one kind in a trailing time window, for the abuse limits (the rule `SlidingWindow` follows on
/// SQLite). The count happens in PostgreSQL and stops at `max`: no row leaves the database unless the window is full,
/// and then one, so a send costs the same whether the budget it checks allows a thousand texts or a hundred million.
enum PostgresSlidingWindow {
    /// Whether `max` events of `table` with `column = value` (and the trusted SQL fragment `and`, e.g. `AND path =
    /// 'phone'`) fall after `now - window`, and then the oldest of the `max` newest. `column` and `and` are code, never
    /// input.
    static func fill<Value: PostgresEncodable & Sendable>(
        _ sql: PostgresExecutor, table: String, column: String, equals value: Value, and condition: String = "", max: Int,
        window: TimeInterval, now: Date
    ) async throws -> WindowFill {
        let since = now.addingTimeInterval(-window)
        let count = try await sql.row(
            """
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(unescaped: table)
            WHERE \(unescaped: column) = \(value) \(unescaped: condition) AND created_at > \(since) LIMIT \(max)) AS counted
            """)?["n"].decode(Int.self) ?? 0
        guard count >= max else { return .under }
        // The oldest of the `max` newest: when it leaves the window, one more event passes.
        let oldest = try await sql.row(
            """
            SELECT created_at FROM \(unescaped: table) WHERE \(unescaped: column) = \(value) \(unescaped: condition) AND created_at > \(since)
            ORDER BY created_at DESC LIMIT 1 OFFSET \(max - 1)
            """)?["created_at"].decode(Date.self)
        return .full(oldestCounted: oldest ?? now)
    }
}
