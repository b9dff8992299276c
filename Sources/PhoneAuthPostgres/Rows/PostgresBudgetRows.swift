import Foundation
import PhoneAuthCore
import PostgresNIO

/// Statements on the budgets' rings: `send_budgets`, one row per pool (numbers that signed in before, or the rest)
/// and budget window, and `channel_budgets`, one per channel and window; each holds its `BudgetRing` as two arrays.
enum PostgresBudgetRows {
    /// Whose budget a ring counts.
    enum Pool {
        case sends(knownGood: Bool)
        case channel(String)

        /// `column = key` (`pool = true`), with `alias` before the column.
        fileprivate func appendKey(to query: inout PostgresQuery.StringInterpolation, alias: String = "") {
            query.appendInterpolation(unescaped: "\(alias)\(column) = ")
            appendValue(to: &query)
        }

        fileprivate var table: String {
            switch self {
            case .sends: "send_budgets"
            case .channel: "channel_budgets"
            }
        }

        fileprivate var column: String {
            switch self {
            case .sends: "pool"
            case .channel: "channel"
            }
        }

        fileprivate func appendValue(to query: inout PostgresQuery.StringInterpolation) {
            switch self {
            case .sends(let knownGood): query.appendInterpolation(knownGood)
            case .channel(let channel): query.appendInterpolation(channel)
            }
        }
    }

    /// The pool's rings by window, read without a lock (every window `windows` names has a row after this).
    static func rings(_ sql: PostgresExecutor, pool: Pool, windows: [Int]) async throws -> [Int: BudgetRing] {
        var rings = try await read(sql, pool: pool)
        let missing = windows.filter { rings[$0] == nil }
        guard !missing.isEmpty else { return rings }
        // A window no migration made a row for (the sends' rows of the hour and the day are made by v14).
        for window in missing {
            var query = PostgresQuery.StringInterpolation(literalCapacity: 300, interpolationCount: 6)
            query.appendLiteral("INSERT INTO \(pool.table) (\(pool.column), window_seconds, buckets, counts) VALUES (")
            pool.appendValue(to: &query)
            query.appendLiteral(", ")
            query.appendInterpolation(window)
            query.appendLiteral(
                """
                , array_fill(-1::bigint, ARRAY[\(BudgetRing.slots)]), array_fill(0::bigint, ARRAY[\(BudgetRing.slots)]))
                ON CONFLICT (\(pool.column), window_seconds) DO NOTHING
                """)
            try await sql.execute(PostgresQuery(stringInterpolation: query))
        }
        rings = try await read(sql, pool: pool)
        return rings
    }

    private static func read(_ sql: PostgresExecutor, pool: Pool) async throws -> [Int: BudgetRing] {
        var query = PostgresQuery.StringInterpolation(literalCapacity: 100, interpolationCount: 2)
        query.appendLiteral("SELECT window_seconds, buckets, counts FROM \(pool.table) WHERE ")
        pool.appendKey(to: &query)
        var rings: [Int: BudgetRing] = [:]
        for row in try await sql.rows(PostgresQuery(stringInterpolation: query)) {
            rings[try row["window_seconds"].decode(Int.self)] = BudgetRing(
                buckets: try row["buckets"].decode([Int64].self), counts: try row["counts"].decode([Int64].self).map { Int($0) })
        }
        return rings
    }

    /// Adds one send to each claimed budget whose ring still counts fewer than its `max`, in one conditional `UPDATE`:
    /// a claim that waited for another send's row lock is checked again on the row that send committed, so concurrent
    /// instances never overshoot. Returns the windows claimed; a claim left out found its budget full (or no row).
    static func claim(_ sql: PostgresExecutor, pool: Pool, _ claims: [BudgetRing.Claim]) async throws -> Set<Int> {
        guard !claims.isEmpty else { return [] }
        var query = PostgresQuery.StringInterpolation(literalCapacity: 700, interpolationCount: 2 + 5 * claims.count)
        query.appendLiteral(
            """
            UPDATE \(pool.table) AS b SET buckets[c.slot] = c.bucket,
                counts[c.slot] = CASE WHEN b.buckets[c.slot] = c.bucket THEN b.counts[c.slot] + 1 ELSE 1 END
            FROM (VALUES 
            """)
        for (index, claim) in claims.enumerated() {
            query.appendLiteral(index == 0 ? "(" : ", (")
            query.appendInterpolation(claim.window)
            query.appendLiteral("::bigint, ")
            query.appendInterpolation(claim.bucket)
            query.appendLiteral("::bigint, ")
            query.appendInterpolation(claim.slot)
            query.appendLiteral("::int, ")
            query.appendInterpolation(claim.firstCounted)
            query.appendLiteral("::bigint, ")
            query.appendInterpolation(claim.max)
            query.appendLiteral("::bigint)")
        }
        query.appendLiteral(
            """
            ) AS c (window_seconds, bucket, slot, first_counted, max)
            WHERE 
            """)
        pool.appendKey(to: &query, alias: "b.")
        query.appendLiteral(
            """
             AND b.window_seconds = c.window_seconds
                AND (SELECT COALESCE(SUM(n), 0) FROM unnest(b.buckets, b.counts) AS u (k, n) WHERE k >= c.first_counted) < c.max
            RETURNING b.window_seconds
            """)
        let rows = try await sql.rows(PostgresQuery(stringInterpolation: query))
        return Set(try rows.map { try $0["window_seconds"].decode(Int.self) })
    }

    /// Takes back the sends `claim` added to `windows` (the send was not admitted after all). The claims' rows are
    /// still locked by this transaction, so their slots still hold the claimed buckets.
    static func unclaim(_ sql: PostgresExecutor, pool: Pool, _ claims: [BudgetRing.Claim]) async throws {
        for claim in claims {
            var query = PostgresQuery.StringInterpolation(literalCapacity: 200, interpolationCount: 4)
            query.appendLiteral("UPDATE \(pool.table) SET counts[\(claim.slot)] = counts[\(claim.slot)] - 1 WHERE ")
            pool.appendKey(to: &query)
            query.appendLiteral(" AND window_seconds = ")
            query.appendInterpolation(claim.window)
            query.appendLiteral(" AND buckets[\(claim.slot)] = ")
            query.appendInterpolation(claim.bucket)
            try await sql.execute(PostgresQuery(stringInterpolation: query))
        }
    }
}
