import Foundation
import GRDB
import PhoneAuthCore

/// Row-level statements on `sms_sends` and `range_stats` that a sign-in composes into its transaction.
enum SQLiteSendRows {
    /// Inside a sign-in's transaction: the phone's sends of the last hour are verified; their ranges count the sign-in
    /// and, unless this phone signed in there within the send log's two days, gain a point of credit.
    static func markVerified(_ db: Database, phone: String, now: Date) throws {
        let creditedBefore = Set(
            try String.fetchAll(
                db.prepared("SELECT DISTINCT prefix FROM sms_sends WHERE phone_number = ? AND verified_at IS NOT NULL"), arguments: [phone]))
        let marked = try Row.fetchAll(
            db.prepared(
                """
                UPDATE sms_sends SET verified_at = ? WHERE phone_number = ? AND verified_at IS NULL AND created_at > ?
                RETURNING prefix, created_at, known_good
                """),
            arguments: [now, phone, now.addingTimeInterval(-3_600)])
        // The delivery log counts the sign-in for its channels' conversion.
        try db.run(
            "UPDATE deliveries SET verified_at = ? WHERE phone_number = ? AND verified_at IS NULL AND sent_at > ?",
            [now, phone, now.addingTimeInterval(-3_600)])
        // The sends to a number not known to be good that are verified leave their minutes' unverified counts.
        let minutes = Dictionary(grouping: marked.filter { !$0["known_good"] }, by: { UnverifiedCounts.minute(of: $0["created_at"]) })
        for (minute, sends) in minutes { try countUnverified(db, minute: minute, phone: phone, by: -sends.count) }
        for prefix in Set(marked.map { $0["prefix"] as String }) {
            try db.run(
                "UPDATE range_stats SET verified = verified + 1, last_verified_at = ? WHERE prefix = ?", [now, prefix])
            guard !creditedBefore.contains(prefix),
                let row = try Row.fetchOne(db.prepared("SELECT credit, credit_at FROM range_stats WHERE prefix = ?"), arguments: [prefix])
            else { continue }
            try db.run(
                "UPDATE range_stats SET credit = ?, credit_at = ? WHERE prefix = ?",
                [RangeCredit.credited(row["credit"], since: row["credit_at"], now: now), now, prefix])
        }
    }

    /// Adds `change` to the unverified sends of `minute` (`UnverifiedCounts`).
    static func countUnverified(_ db: Database, minute: Int64, phone: String, by change: Int) throws {
        try db.run(
            """
            INSERT INTO unverified_counts (minute, shard, count) VALUES (?, ?, ?)
            ON CONFLICT (minute, shard) DO UPDATE SET count = count + excluded.count
            """, [minute, UnverifiedCounts.shard(of: phone), change])
    }
}
