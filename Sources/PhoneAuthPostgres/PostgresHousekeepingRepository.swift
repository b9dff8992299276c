import Foundation
import PhoneAuthCore
import PostgresNIO

struct PostgresHousekeepingRepository: HousekeepingRepository {
    let database: PostgresDatabase

    func purge(now: Date, endedSessions: TimeInterval) async throws -> PurgeCounts {
        let sessionCutoff = now.addingTimeInterval(-endedSessions)
        let sendCutoff = now.addingTimeInterval(-StorageRetention.sendLog)
        let failureCutoff = now.addingTimeInterval(-StorageRetention.verifyFailures)
        var counts = PurgeCounts()
        counts.expiredCodePhones = try await database.write { sql in
            try await sql.rows("DELETE FROM verifications WHERE expires_at < \(now) RETURNING phone_number").map { try $0[0].decode(String.self) }
        }
        counts.sendLog = try await count("WITH d AS (DELETE FROM sms_sends WHERE created_at < \(sendCutoff) RETURNING 1) SELECT count(*) FROM d")
        counts.verifyFailures = try await count(
            "WITH d AS (DELETE FROM verify_failures WHERE created_at < \(failureCutoff) RETURNING 1) SELECT count(*) FROM d")
        counts.idempotencyKeys = try await count(
            "WITH d AS (DELETE FROM idempotency_keys WHERE expires_at < \(now) RETURNING 1) SELECT count(*) FROM d")
        counts.networkFlows = try await count("WITH d AS (DELETE FROM network_flows WHERE expires_at < \(now) RETURNING 1) SELECT count(*) FROM d")
        let eventCutoff = now.addingTimeInterval(-StorageRetention.events)
        counts.events = try await count(
            """
            WITH d AS (
                DELETE FROM auth_events WHERE id <= LEAST(
                    (SELECT max(id) FROM auth_events WHERE occurred_at < \(eventCutoff)),
                    (SELECT min(cursor) FROM webhook_endpoints WHERE enabled))
                RETURNING 1)
            SELECT count(*) FROM d
            """)
        counts.challenges = try await count(
            "WITH d AS (DELETE FROM challenge_redemptions WHERE expires_at < \(now) RETURNING 1) SELECT count(*) FROM d")
        counts.fraudRecords =
            try await count(
                "WITH d AS (DELETE FROM range_blocks WHERE expires_at < \(now) RETURNING 1) SELECT count(*) FROM d")
            + count(
                """
                WITH d AS (DELETE FROM challenge_counts WHERE hour < \(ChallengeCounts.firstCountedHour(at: now)) RETURNING 1)
                SELECT count(*) FROM d
                """)
            + count(
                """
                WITH d AS (DELETE FROM unverified_counts WHERE minute < \(UnverifiedCounts.firstCountedMinute(at: now)) RETURNING 1)
                SELECT count(*) FROM d
                """)
        let deliveryCutoff = now.addingTimeInterval(-StorageRetention.deliveries)
        counts.deliveries = try await count("WITH d AS (DELETE FROM deliveries WHERE sent_at < \(deliveryCutoff) RETURNING 1) SELECT count(*) FROM d")
        counts.releasedNumbers = try await count(
            "WITH d AS (DELETE FROM released_numbers WHERE available_at <= \(now) RETURNING 1) SELECT count(*) FROM d")
        let activityCutoff = ActivityCount.bucket(of: now.addingTimeInterval(-ActivityRetention.seconds))
        counts.activity = try await count(
            "WITH d AS (DELETE FROM activity_counts WHERE bucket < \(activityCutoff) RETURNING 1) SELECT count(*) FROM d")
        counts.sessions = try await count(
            """
            WITH d AS (
                DELETE FROM user_sessions
                WHERE (revoked_at IS NOT NULL AND revoked_at < \(sessionCutoff)) OR expires_at < \(sessionCutoff)
                    OR absolute_expires_at < \(sessionCutoff)
                RETURNING 1)
            SELECT count(*) FROM d
            """)
        return counts
    }

    private func count(_ query: PostgresQuery) async throws -> Int {
        try await database.write { sql in try await sql.row(query)?[0].decode(Int.self) ?? 0 }
    }
}
