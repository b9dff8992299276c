import Foundation
import GRDB
import PhoneAuthCore

/// Counting events of one kind in a trailing time window, for the abuse limits.
enum SlidingWindow {
    /// Whether `max` events match since `now - window`, and then the oldest of the `max` newest. `filter` is a trusted
    /// SQL fragment, `arguments` its values.
    static func fill(
        _ db: Database, table: String, filter: String, arguments: StatementArguments, max: Int, window: TimeInterval, now: Date
    ) throws -> WindowFill {
        let since = now.addingTimeInterval(-window)
        // Counting stops at `max`: the cost is bounded by the limit, not by how many events the window holds (a busy
        // network or range, the global budget under an SMS-pumping attack).
        let count = try Int.fetchOne(
            db.prepared("SELECT COUNT(*) FROM (SELECT 1 FROM \(table) WHERE \(filter) AND created_at > ? LIMIT ?)"),
            arguments: arguments + [since, max]) ?? 0
        guard count >= max else { return .under }
        // The oldest of the `max` newest: when it leaves the window, one more event passes.
        let oldest = try Date.fetchOne(
            db.prepared("SELECT created_at FROM \(table) WHERE \(filter) AND created_at > ? ORDER BY created_at DESC LIMIT 1 OFFSET ?"),
            arguments: arguments + [since, max - 1]
        )
        return .full(oldestCounted: oldest ?? now)
    }
}
