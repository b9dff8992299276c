import Foundation
import GRDB

/// Counting events of one kind in a trailing time window, for the abuse limits.
enum SlidingWindow {
    /// nil while fewer than `max` events match since `now - window`; otherwise the seconds until enough of the oldest
    /// have aged out for one more to pass. `filter` is a trusted SQL fragment, `arguments` its values.
    static func retryAfter(
        _ db: Database, table: String, filter: String, arguments: StatementArguments, max: Int, window: TimeInterval, now: Date
    ) throws -> Int? {
        let since = now.addingTimeInterval(-window)
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table) WHERE \(filter) AND created_at > ?", arguments: arguments + [since]) ?? 0
        guard count >= max else { return nil }
        let oldest = try Date.fetchOne(
            db, sql: "SELECT created_at FROM \(table) WHERE \(filter) AND created_at > ? ORDER BY created_at LIMIT 1 OFFSET ?",
            arguments: arguments + [since, count - max]
        )
        return SlidingWindowMath.retryAfter(oldestCounted: oldest ?? now, window: window, now: now)
    }
}
