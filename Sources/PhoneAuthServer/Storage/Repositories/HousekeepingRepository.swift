import Foundation

/// How many rows one housekeeping pass removed, by kind.
struct PurgeCounts: Sendable, Equatable {
    /// The phone numbers of the expired verifications removed (each a code that expired unused: redeemed codes are
    /// deleted at once), so the metrics can count them by market.
    var expiredCodePhones: [String] = []
    var verifications: Int { expiredCodePhones.count }
    var sendLog = 0
    var verifyFailures = 0
    var idempotencyKeys = 0
    var sessions = 0
    var challenges = 0
    /// Automatic range blocks past their end, and challenge issues older than the hour the defence looks at.
    var fraudRecords = 0
    /// Console activity counters older than `ActivityRetention`.
    var activity = 0

    var total: Int { verifications + sendLog + verifyFailures + idempotencyKeys + sessions + challenges + fraudRecords + activity }
}

/// Removes rows no request can use any more, so the database does not grow without bound. Each kind is deleted in its
/// own short transaction, so a pass never holds writers for long; a row a pass misses is removed by the next.
protocol HousekeepingRepository: Sendable {
    /// As of `now`: expired verifications, idempotency keys and challenge redemptions; send-log and wrong-code rows older than
    /// `StorageRetention` (they can no longer affect a limit); sessions that ended (revoked, or past either expiry)
    /// more than `endedSessions` ago.
    func purge(now: Date, endedSessions: TimeInterval) async throws -> PurgeCounts
}

/// How long counted events are kept: older ones can no longer affect any limit.
enum StorageRetention {
    static let sendLog: TimeInterval = 2 * 86_400
    static let verifyFailures: TimeInterval = 2 * 86_400
}
