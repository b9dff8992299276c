import Foundation
import PhoneAuthCore
import PostgresNIO

/// Row-level statements on `sms_sends` and `range_stats` that a sign-in composes into its transaction.
enum PostgresSendRows {
    /// Inside a sign-in's transaction: the phone's sends of the last hour are verified; their ranges count the sign-in
    /// and, unless this phone signed in there within the send log's two days, gain a point of credit.
    static func markVerified(_ sql: PostgresExecutor, phone: String, now: Date) async throws {
        // One statement: every part of it sees the rows as they were before it, so `before` holds the ranges this phone
        // had verified in earlier sign-ins. The sends to a number not known to be good it verifies leave their minutes'
        // unverified counts; the delivery log counts the sign-in for its channels' conversion.
        let marked = try await sql.rows(
            """
            WITH before AS (SELECT DISTINCT prefix FROM sms_sends WHERE phone_number = \(phone) AND verified_at IS NOT NULL),
            marked AS (
                UPDATE sms_sends SET verified_at = \(now)
                WHERE phone_number = \(phone) AND verified_at IS NULL AND created_at > \(now.addingTimeInterval(-3_600))
                RETURNING prefix, created_at, known_good),
            converted AS (
                UPDATE deliveries SET verified_at = \(now)
                WHERE phone_number = \(phone) AND verified_at IS NULL AND sent_at > \(now.addingTimeInterval(-3_600))),
            uncounted AS (
                INSERT INTO unverified_counts (minute, shard, count)
                SELECT floor(extract(epoch FROM created_at) / 60)::bigint, \(UnverifiedCounts.shard(of: phone)), -count(*) FROM marked
                WHERE NOT known_good GROUP BY 1
                ON CONFLICT (minute, shard) DO UPDATE SET count = unverified_counts.count + EXCLUDED.count)
            SELECT DISTINCT prefix, prefix IN (SELECT prefix FROM before) AS credited_before FROM marked
            """)
        for row in marked {
            let prefix = try row["prefix"].decode(String.self)
            let stats = try await sql.row(
                """
                UPDATE range_stats SET verified = verified + 1, last_verified_at = \(now) WHERE prefix = \(prefix)
                RETURNING credit, credit_at
                """)
            guard try !row["credited_before"].decode(Bool.self), let stats else { continue }
            let credit = RangeCredit.credited(
                try stats["credit"].decode(Double.self), since: try stats["credit_at"].decode(Date?.self), now: now)
            try await sql.execute("UPDATE range_stats SET credit = \(credit), credit_at = \(now) WHERE prefix = \(prefix)")
        }
    }
}
