import Foundation
import GRDB
import PhoneAuthCore

/// Statements on the budgets' rings: `send_budgets`, one row per pool (numbers that signed in before, or the rest)
/// and budget window, and `channel_budgets`, one per channel and window; each holds its `BudgetRing` as two JSON
/// arrays. (SQLite has one writer: a send reads and writes its rings in its transaction, with nothing to claim.)
enum SQLiteBudgetRows {
    /// Whose budget a ring counts.
    enum Pool {
        case sends(knownGood: Bool)
        case channel(String)

        var table: String {
            switch self {
            case .sends: "send_budgets"
            case .channel: "channel_budgets"
            }
        }

        var column: String {
            switch self {
            case .sends: "pool"
            case .channel: "channel"
            }
        }

        var key: any DatabaseValueConvertible {
            switch self {
            case .sends(let knownGood): knownGood
            case .channel(let channel): channel
            }
        }
    }

    static func ring(_ db: Database, knownGood: Bool, window: TimeInterval) throws -> BudgetRing {
        try ring(db, pool: .sends(knownGood: knownGood), window: window)
    }

    static func ring(_ db: Database, pool: Pool, window: TimeInterval) throws -> BudgetRing {
        guard
            let row = try Row.fetchOne(
                db.prepared("SELECT buckets, counts FROM \(pool.table) WHERE \(pool.column) = ? AND window_seconds = ?"),
                arguments: [pool.key, Int(window)])
        else { return BudgetRing() }
        return BudgetRing(
            buckets: IntegerListJSON.decode(row["buckets"] as String) ?? [],
            counts: (IntegerListJSON.decode(row["counts"] as String) ?? []).map { Int(truncatingIfNeeded: $0) })
    }

    /// Counts one send at each of `times` (one at `now` for a send) in the pool's ring of each of `windows` (as `read`
    /// holds it, when this transaction read it already); a ring with no row yet gets one.
    static func count(_ db: Database, knownGood: Bool, windows: [TimeInterval], at times: [Date], read: [TimeInterval: BudgetRing] = [:]) throws {
        try count(db, pool: .sends(knownGood: knownGood), windows: windows, at: times, read: read)
    }

    static func count(_ db: Database, pool: Pool, windows: [TimeInterval], at times: [Date], read: [TimeInterval: BudgetRing] = [:]) throws {
        for window in windows {
            let ring = try times.reduce(read[window] ?? ring(db, pool: pool, window: window)) { $0.adding(1, window: window, now: $1) }
            try db.run(
                """
                INSERT INTO \(pool.table) (\(pool.column), window_seconds, buckets, counts) VALUES (?, ?, ?, ?)
                ON CONFLICT (\(pool.column), window_seconds) DO UPDATE SET buckets = excluded.buckets, counts = excluded.counts
                """,
                [
                    pool.key, Int(window), IntegerListJSON.encode(ring.buckets), IntegerListJSON.encode(ring.counts),
                ])
        }
    }
}
