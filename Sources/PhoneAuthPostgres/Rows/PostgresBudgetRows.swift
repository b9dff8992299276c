import Foundation
import PhoneAuthCore
import PostgresNIO

/// Statements on `send_budgets`: one row per pool (numbers that signed in before, or the rest) and budget window,
/// holding that budget's `BudgetRing` as two arrays.
enum PostgresBudgetRows {
    /// The pool's rings by window, read without a lock (every window `windows` names has a row after this).
    static func rings(_ sql: PostgresExecutor, knownGood: Bool, windows: [Int]) async throws -> [Int: BudgetRing] {
        var rings = try await read(sql, knownGood: knownGood)
        let missing = windows.filter { rings[$0] == nil }
        guard !missing.isEmpty else { return rings }
        // A window no migration made a row for (the rows of the hour and the day are made by v14).
        for window in missing {
            try await sql.execute(
                """
                INSERT INTO send_budgets (pool, window_seconds, buckets, counts)
                VALUES (
                    \(knownGood), \(window), array_fill(-1::bigint, ARRAY[\(BudgetRing.slots)]), array_fill(0::bigint, ARRAY[\(BudgetRing.slots)]))
                ON CONFLICT (pool, window_seconds) DO NOTHING
                """)
        }
        rings = try await read(sql, knownGood: knownGood)
        return rings
    }

    private static func read(_ sql: PostgresExecutor, knownGood: Bool) async throws -> [Int: BudgetRing] {
        var rings: [Int: BudgetRing] = [:]
        for row in try await sql.rows("SELECT window_seconds, buckets, counts FROM send_budgets WHERE pool = \(knownGood)") {
            rings[try row["window_seconds"].decode(Int.self)] = BudgetRing(
                buckets: try row["buckets"].decode([Int64].self), counts: try row["counts"].decode([Int64].self).map { Int($0) })
        }
        return rings
    }

    /// Adds one send to each claimed budget whose ring still counts fewer than its `max`, in one conditional `UPDATE`:
    /// a claim that waited for another send's row lock is checked again on the row that send committed, so concurrent
    /// instances never overshoot. Returns the windows claimed; a claim left out found its budget full.
    static func claim(_ sql: PostgresExecutor, knownGood: Bool, _ claims: [BudgetRing.Claim]) async throws -> Set<Int> {
        guard !claims.isEmpty else { return [] }
        var query = PostgresQuery.StringInterpolation(literalCapacity: 700, interpolationCount: 1 + 5 * claims.count)
        query.appendLiteral(
            """
            UPDATE send_budgets AS b SET buckets[c.slot] = c.bucket,
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
            WHERE b.pool = 
            """)
        query.appendInterpolation(knownGood)
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
    static func unclaim(_ sql: PostgresExecutor, knownGood: Bool, _ claims: [BudgetRing.Claim]) async throws {
        for claim in claims {
            try await sql.execute(
                """
                UPDATE send_budgets SET counts[\(claim.slot)] = counts[\(claim.slot)] - 1
                WHERE pool = \(knownGood) AND window_seconds = \(claim.window) AND buckets[\(claim.slot)] = \(claim.bucket)
                """)
        }
    }
}
