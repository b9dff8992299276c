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
    }

    static func standing(_ sql: PostgresExecutor, prefix: String, now: Date) async throws -> RangeStanding {
        let hourAgo = now.addingTimeInterval(-3_600)
        var standing = RangeStanding()
        if let row = try await sql.row("SELECT sent, verified, credit, credit_at FROM range_stats WHERE prefix = \(prefix)") {
            standing.sent = try row["sent"].decode(Int.self)
            standing.verified = try row["verified"].decode(Int.self)
            standing.credit = RangeCredit.decayed(
                try row["credit"].decode(Double.self), since: try row["credit_at"].decode(Date?.self), now: now)
        }
        let counts = try await sql.row(
            """
            SELECT count(*) FILTER (WHERE prefix = \(prefix) AND verified_at IS NULL) AS here,
                   count(DISTINCT phone_number) FILTER (WHERE prefix = \(prefix) AND verified_at IS NOT NULL) AS here_verified,
                   count(*) FILTER (WHERE verified_at IS NULL) AS everywhere
            FROM sms_sends WHERE created_at > \(hourAgo)
            """)
        standing.unverifiedLastHour = try counts?["here"].decode(Int.self) ?? 0
        standing.verifiedLastHour = try counts?["here_verified"].decode(Int.self) ?? 0
        standing.globalUnverifiedLastHour = try counts?["everywhere"].decode(Int.self) ?? 0
        standing.challengesLastHour = try await challenges(sql, scope: ChallengeCounts.range(prefix), now: now)
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
