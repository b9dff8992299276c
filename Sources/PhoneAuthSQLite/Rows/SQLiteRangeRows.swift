import Foundation
import GRDB
import PhoneAuthCore

/// Row-level statements on `range_blocks`, `range_stats` and `challenge_counts` that admitting a send and the operator's
/// range views both read.
enum SQLiteRangeRows {
    static func block(_ db: Database, prefix: String, now: Date) throws -> RangeBlock? {
        try Row.fetchOne(
            db.prepared("SELECT * FROM range_blocks WHERE prefix = ? AND (expires_at IS NULL OR expires_at > ?)"), arguments: [prefix, now]
        ).map(block(from:))
    }

    static func block(from row: Row) -> RangeBlock {
        RangeBlock(
            prefix: row["prefix"], reason: row["reason"], automatic: row["automatic"], createdAt: row["created_at"],
            expiresAt: row["expires_at"], createdBy: row["created_by"])
    }

    static func save(_ db: Database, _ block: RangeBlock) throws {
        try db.run(
            "INSERT OR REPLACE INTO range_blocks (prefix, reason, automatic, created_at, expires_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            [block.prefix, block.reason, block.automatic, block.createdAt, block.expiresAt, block.createdBy])
        try SQLiteEventRows.append(db, .rangeBlocked(block))
    }

    static func standing(_ db: Database, prefix: String, now: Date) throws -> RangeStanding {
        let hourAgo = now.addingTimeInterval(-3_600)
        var standing = RangeStanding()
        let stats = try Row.fetchOne(db.prepared("SELECT sent, verified, credit, credit_at FROM range_stats WHERE prefix = ?"), arguments: [prefix])
        if let row = stats {
            standing.sent = row["sent"]
            standing.verified = row["verified"]
            standing.credit = RangeCredit.decayed(row["credit"], since: row["credit_at"], now: now)
        }
        let here = try Row.fetchOne(
            db.prepared(
                """
                SELECT COALESCE(SUM(verified_at IS NULL), 0) AS unverified,
                       COUNT(DISTINCT CASE WHEN verified_at IS NOT NULL THEN phone_number END) AS verified
                FROM sms_sends WHERE prefix = ? AND created_at > ?
                """), arguments: [prefix, hourAgo])
        standing.unverifiedLastHour = here?["unverified"] ?? 0
        standing.verifiedLastHour = here?["verified"] ?? 0
        standing.globalUnverifiedLastHour =
            try Int.fetchOne(
                db.prepared("SELECT COALESCE(SUM(count), 0) FROM unverified_counts WHERE minute >= ?"),
                arguments: [UnverifiedCounts.firstCountedMinute(at: now)]) ?? 0
        standing.challengesLastHour = try challenges(db, scope: ChallengeCounts.range(prefix), now: now)
        return standing
    }

    static func challenges(_ db: Database, scope: String, now: Date) throws -> Int {
        try Int.fetchOne(
            db.prepared("SELECT COALESCE(SUM(count), 0) FROM challenge_counts WHERE scope = ? AND hour >= ?"),
            arguments: [scope, ChallengeCounts.firstCountedHour(at: now)]) ?? 0
    }
}
