import Foundation
import PhoneAuthCore
import PostgresNIO

/// Counting events of one kind in a trailing time window, for the abuse limits (the rule `SlidingWindow` follows on
/// SQLite). The count happens in PostgreSQL and stops at `max`: no row leaves the database unless the window is full,
/// and then one, so a send costs the same whether the budget it checks allows a thousand texts or a hundred million.
/// Several windows are counted in one statement (a send checks up to seven).
enum PostgresSlidingWindow {
    /// Events of `table` with `column = value` (and the trusted SQL fragment `condition`, e.g. `AND path = 'phone'`)
    /// after `now - window`, counted up to `max`. `table`, `column` and `condition` are code, never input.
    struct Window: Sendable {
        var table: String
        var column: String
        var value: any PostgresNonThrowingEncodable & Sendable
        var condition = ""
        var max: Int
        var window: TimeInterval
    }

    /// For each window, whether `max` events fall in it, and then the oldest of the `max` newest.
    static func fill(_ sql: PostgresExecutor, _ windows: [Window], now: Date) async throws -> [WindowFill] {
        guard !windows.isEmpty else { return [] }
        var query = PostgresQuery.StringInterpolation(literalCapacity: 160 * windows.count, interpolationCount: 3 * windows.count)
        query.appendLiteral("SELECT ")
        for (index, window) in windows.enumerated() {
            query.appendLiteral("\(index == 0 ? "" : ", ")(SELECT COUNT(*) FROM (SELECT 1 FROM \(window.table) WHERE \(window.column) = ")
            appendValue(window.value, to: &query)
            query.appendLiteral(" \(window.condition) AND created_at > ")
            query.appendInterpolation(now.addingTimeInterval(-window.window))
            query.appendLiteral(" LIMIT ")
            query.appendInterpolation(window.max)
            query.appendLiteral(") AS counted) AS n\(index)")
        }
        let row = try await sql.row(PostgresQuery(stringInterpolation: query))
        var fills: [WindowFill] = []
        for (index, window) in windows.enumerated() {
            let count = try row?["n\(index)"].decode(Int.self) ?? 0
            fills.append(count >= window.max ? .full(oldestCounted: try await oldest(sql, window, now: now)) : .under)
        }
        return fills
    }

    /// The oldest of the `max` newest events of a full window: when it leaves the window, one more event passes.
    private static func oldest(_ sql: PostgresExecutor, _ window: Window, now: Date) async throws -> Date {
        var query = PostgresQuery.StringInterpolation(literalCapacity: 160, interpolationCount: 3)
        query.appendLiteral("SELECT created_at FROM \(window.table) WHERE \(window.column) = ")
        appendValue(window.value, to: &query)
        query.appendLiteral(" \(window.condition) AND created_at > ")
        query.appendInterpolation(now.addingTimeInterval(-window.window))
        query.appendLiteral(" ORDER BY created_at DESC LIMIT 1 OFFSET ")
        query.appendInterpolation(window.max - 1)
        return try await sql.row(PostgresQuery(stringInterpolation: query))?["created_at"].decode(Date.self) ?? now
    }

    private static func appendValue(_ value: some PostgresNonThrowingEncodable, to query: inout PostgresQuery.StringInterpolation) {
        query.appendInterpolation(value)
    }
}
