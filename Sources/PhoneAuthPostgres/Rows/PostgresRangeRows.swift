import Foundation
import PhoneAuthCore
import PostgresNIO

/// Row-level statements on `range_blocks`, `range_stats` and `challenge_counts` that admitting a send and the operator's
/// range views both read.
enum PostgresRangeRows {
    static func block(_ sql: PostgresExecutor, prefix: String, now: Date) async throws -> RangeBlock? {
        try await sql.row(
            "SELECT * FROM range_blocks WHERE prefix = \(prefix) AND (expires_at IS NULL OR expires_at > \(now))"
        ).map(block(from:))
    }

    /// What a send reads first, in one statement: whether `phone` signed in before, and the block in force on its range.
    static func knownGoodAndBlock(_ sql: PostgresExecutor, phone: String, prefix: String, now: Date) async throws -> (Bool, RangeBlock?) {
        let row = try await sql.row(
            """
            SELECT EXISTS (SELECT 1 FROM users WHERE phone_number = \(phone) AND is_verified) AS known, b.*
            FROM (SELECT 1) AS one
            LEFT JOIN range_blocks AS b ON b.prefix = \(prefix) AND (b.expires_at IS NULL OR b.expires_at > \(now))
            """)
        guard let row else { return (false, nil) }
        let known = try row["known"].decode(Bool.self)
        return (known, try row["prefix"].decode(String?.self) == nil ? nil : try block(from: row))
    }

    static func block(from row: PostgresRandomAccessRow) throws -> RangeBlock {
        RangeBlock(
            prefix: try row["prefix"].decode(String.self), reason: try row["reason"].decode(String.self),
            automatic: try row["automatic"].decode(Bool.self), createdAt: try row["created_at"].decode(Date.self),
            expiresAt: try row["expires_at"].decode(Date?.self), createdBy: try row["created_by"].decode(Int64?.self))
    }

    static func save(_ sql: PostgresExecutor, _ block: RangeBlock) async throws {
        try await sql.execute(
            """
            INSERT INTO range_blocks (prefix, reason, automatic, created_at, expires_at, created_by)
            VALUES (\(block.prefix), \(block.reason), \(block.automatic), \(block.createdAt), \(block.expiresAt), \(block.createdBy))
            ON CONFLICT (prefix) DO UPDATE SET reason = EXCLUDED.reason, automatic = EXCLUDED.automatic,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, created_by = EXCLUDED.created_by
            """)
        try await PostgresEventRows.append(sql, .rangeBlocked(block))
    }

    /// The range's standing in one statement: its stats row (none for a new range), its sends of the last hour, the
    /// fleet's unverified ones (`UnverifiedCounts`), and its challenges in the counted hours.
    static func standing(_ sql: PostgresExecutor, prefix: String, now: Date) async throws -> RangeStanding {
        let hourAgo = now.addingTimeInterval(-3_600)
        var standing = RangeStanding()
        guard
            let row = try await sql.row(
                """
                SELECT r.sent, r.verified, r.credit, r.credit_at, c.here, c.here_verified, c.everywhere,
                    (SELECT COALESCE(SUM(count), 0)::bigint FROM challenge_counts
                     WHERE scope = \(ChallengeCounts.range(prefix)) AND hour >= \(ChallengeCounts.firstCountedHour(at: now))) AS challenges
                FROM (SELECT count(*) FILTER (WHERE verified_at IS NULL) AS here,
                        count(DISTINCT phone_number) FILTER (WHERE verified_at IS NOT NULL) AS here_verified,
                        (SELECT COALESCE(SUM(count), 0) FROM unverified_counts
                         WHERE minute >= \(UnverifiedCounts.firstCountedMinute(at: now)))::bigint AS everywhere
                      FROM sms_sends WHERE prefix = \(prefix) AND created_at > \(hourAgo)) AS c
                LEFT JOIN range_stats AS r ON r.prefix = \(prefix)
                """)
        else { return standing }
        if let sent = try row["sent"].decode(Int?.self) {
            standing.sent = sent
            standing.verified = try row["verified"].decode(Int.self)
            standing.credit = RangeCredit.decayed(try row["credit"].decode(Double.self), since: try row["credit_at"].decode(Date?.self), now: now)
        }
        standing.unverifiedLastHour = try row["here"].decode(Int.self)
        standing.verifiedLastHour = try row["here_verified"].decode(Int.self)
        standing.globalUnverifiedLastHour = try row["everywhere"].decode(Int.self)
        standing.challengesLastHour = try row["challenges"].decode(Int.self)
        return standing
    }

    static func challenges(_ sql: PostgresExecutor, scope: String, now: Date) async throws -> Int {
        try await sql.row(
            """
            SELECT COALESCE(SUM(count), 0)::bigint AS n FROM challenge_counts
            WHERE scope = \(scope) AND hour >= \(ChallengeCounts.firstCountedHour(at: now))
            """)?["n"].decode(Int.self) ?? 0
    }
}
