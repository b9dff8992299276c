import Foundation
import PhoneAuthCore
import PostgresNIO

/// Row-level statements on `sms_sends` and `range_stats` that a sign-in composes into its transaction.
enum PostgresSendRows {
    /// Inside a sign-in's transaction: the phone's sends of the last hour are verified; their ranges count the sign-in
    /// and, unless this phone signed in there within the send log's two days, gain a point of credit.
    static func markVerified(_ sql: PostgresExecutor, phone: String, now: Date) async throws {
        let creditedBefore = Set(
            try await sql.rows("SELECT DISTINCT prefix FROM sms_sends WHERE phone_number = \(phone) AND verified_at IS NOT NULL")
                .map { try $0["prefix"].decode(String.self) })
        let marked = try await sql.rows(
            """
            UPDATE sms_sends SET verified_at = \(now)
            WHERE phone_number = \(phone) AND verified_at IS NULL AND created_at > \(now.addingTimeInterval(-3_600))
            RETURNING prefix
            """)
        for prefix in Set(try marked.map { try $0["prefix"].decode(String.self) }) {
            let row = try await sql.row(
                """
                UPDATE range_stats SET verified = verified + 1, last_verified_at = \(now) WHERE prefix = \(prefix)
                RETURNING credit, credit_at
                """)
            guard !creditedBefore.contains(prefix), let row else { continue }
            let credit = RangeCredit.credited(
                try row["credit"].decode(Double.self), since: try row["credit_at"].decode(Date?.self), now: now)
            try await sql.execute("UPDATE range_stats SET credit = \(credit), credit_at = \(now) WHERE prefix = \(prefix)")
        }
    }
}
