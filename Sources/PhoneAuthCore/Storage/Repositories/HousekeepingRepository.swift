import Foundation

/// How many rows one housekeeping pass removed, by kind.
package struct PurgeCounts: Sendable, Equatable {
    /// The phone numbers of the expired verifications removed (each a code that expired unused: redeemed codes are
    /// deleted at once), so the metrics can count them by market.
    package var expiredCodePhones: [String]
    package var verifications: Int { expiredCodePhones.count }
    package var sendLog: Int
    package var verifyFailures: Int
    package var idempotencyKeys: Int
    package var sessions: Int
    package var challenges: Int
    /// Automatic range blocks past their end, and challenge issues older than the hour the defence looks at.
    package var fraudRecords: Int
    /// Console activity counters older than `ActivityRetention`.
    package var activity: Int
    /// Delivery log rows older than `StorageRetention.deliveries`.
    package var deliveries: Int
    /// Numbers whose quarantine after leaving an account is over.
    package var releasedNumbers: Int = 0
    /// Silent sign-ins that were started and never finished.
    package var networkFlows: Int = 0
    /// Event log rows older than `StorageRetention.events`.
    package var events: Int = 0
    /// Detached accounts erased after their retention (`AccountService.eraseExpiredDetached`).
    package var detachedAccounts: Int = 0

    package init(
        expiredCodePhones: [String] = [],
        sendLog: Int = 0,
        verifyFailures: Int = 0,
        idempotencyKeys: Int = 0,
        sessions: Int = 0,
        challenges: Int = 0,
        fraudRecords: Int = 0,
        activity: Int = 0,
        deliveries: Int = 0
    ) {
        self.expiredCodePhones = expiredCodePhones
        self.sendLog = sendLog
        self.verifyFailures = verifyFailures
        self.idempotencyKeys = idempotencyKeys
        self.sessions = sessions
        self.challenges = challenges
        self.fraudRecords = fraudRecords
        self.activity = activity
        self.deliveries = deliveries
    }

    package var total: Int {
        verifications + sendLog + verifyFailures + idempotencyKeys + sessions + challenges + fraudRecords + activity + deliveries + releasedNumbers
            + detachedAccounts + networkFlows + events
    }
}

/// Removes rows no request can use any more, so the database does not grow without bound. Each kind is deleted in its
/// own short transaction, so a pass never holds writers for long; a row a pass misses is removed by the next.
package protocol HousekeepingRepository: Sendable {
    /// As of `now`: expired verifications, idempotency keys and challenge redemptions; send-log and wrong-code rows older than
    /// `StorageRetention` (they can no longer affect a limit); sessions that ended (revoked, or past either expiry)
    /// more than `endedSessions` ago.
    func purge(now: Date, endedSessions: TimeInterval) async throws -> PurgeCounts
}

/// How long counted events are kept: older ones can no longer affect any limit.
package enum StorageRetention {
    package static let sendLog: TimeInterval = 2 * 86_400
    package static let verifyFailures: TimeInterval = 2 * 86_400
    /// The delivery log feeds the console's week of delivery figures; a day more, as for the activity counters.
    package static let deliveries: TimeInterval = ActivityRetention.seconds
    /// The event log: a revocation stream that reconnects within a day resumes exactly where it was. Removed oldest
    /// first by id, so an id still kept means every later one is too (`StreamStart`), and never past an enabled webhook
    /// endpoint's cursor (its retries hold the log back for as long as they last).
    package static let events: TimeInterval = 86_400
}
