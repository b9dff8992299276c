import Foundation

/// The console's activity counters: added to in batches, read by time range. Kept for `retention`.
package protocol ActivityRepository: Sendable {
    /// Adds each count to its bucket's counter (creating it), in one transaction.
    func add(_ counts: [ActivityCount.Key: Int]) async throws
    /// Every counter whose bucket starts at or after `since`.
    func counts(since: Date) async throws -> [ActivityCount]
}

package enum ActivityRetention {
    /// The overview's longest window is a week; a day more so the oldest bar is whole.
    package static let seconds: TimeInterval = 8 * 86_400
}
