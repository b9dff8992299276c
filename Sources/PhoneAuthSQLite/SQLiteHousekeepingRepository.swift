import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteHousekeepingRepository: HousekeepingRepository {
    let database: SQLiteDatabase

    func purge(now: Date, endedSessions: TimeInterval) async throws -> PurgeCounts {
        let sessionCutoff = now.addingTimeInterval(-endedSessions)
        var counts = PurgeCounts()
        counts.expiredCodePhones = try await database.writer.write { db in
            try String.fetchAll(db, sql: "DELETE FROM verifications WHERE expires_at < ? RETURNING phone_number", arguments: [now])
        }
        counts.sendLog = try await delete("DELETE FROM sms_sends WHERE created_at < ?", [now.addingTimeInterval(-StorageRetention.sendLog)])
        counts.verifyFailures = try await delete(
            "DELETE FROM verify_failures WHERE created_at < ?", [now.addingTimeInterval(-StorageRetention.verifyFailures)])
        counts.idempotencyKeys = try await delete("DELETE FROM idempotency_keys WHERE expires_at < ?", [now])
        counts.networkFlows = try await delete("DELETE FROM network_flows WHERE expires_at < ?", [now])
        counts.events = try await delete(
            """
            DELETE FROM auth_events WHERE id <= MIN(
                COALESCE((SELECT max(id) FROM auth_events WHERE occurred_at < ?), 0),
                COALESCE((SELECT min(cursor) FROM webhook_endpoints WHERE enabled), 9223372036854775807))
            """, [now.addingTimeInterval(-StorageRetention.events)])
        counts.challenges = try await delete("DELETE FROM challenge_redemptions WHERE expires_at < ?", [now])
        counts.fraudRecords =
            try await delete("DELETE FROM range_blocks WHERE expires_at < ?", [now])
            + delete("DELETE FROM challenge_counts WHERE hour < ?", [ChallengeCounts.firstCountedHour(at: now)])
            + delete("DELETE FROM unverified_counts WHERE minute < ?", [UnverifiedCounts.firstCountedMinute(at: now)])
        counts.activity = try await delete(
            "DELETE FROM activity_counts WHERE bucket < ?", [ActivityCount.bucket(of: now.addingTimeInterval(-ActivityRetention.seconds))])
        counts.deliveries = try await delete("DELETE FROM deliveries WHERE sent_at < ?", [now.addingTimeInterval(-StorageRetention.deliveries)])
        counts.releasedNumbers = try await delete("DELETE FROM released_numbers WHERE available_at <= ?", [now])
        counts.sessions = try await delete(
            """
            DELETE FROM user_sessions
            WHERE (revoked_at IS NOT NULL AND revoked_at < ?) OR expires_at < ? OR absolute_expires_at < ?
            """, [sessionCutoff, sessionCutoff, sessionCutoff])
        return counts
    }

    private func delete(_ sql: String, _ arguments: [any DatabaseValueConvertible & Sendable]) async throws -> Int {
        try await database.writer.write { db in
            try db.execute(sql: sql, arguments: StatementArguments(arguments))
            return db.changesCount
        }
    }
}
