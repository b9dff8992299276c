import Foundation
import PhoneAuthCore
import PostgresNIO

/// Number ranges on PostgreSQL: their standing and the operators' blocks.
struct PostgresRangeRepository: RangeRepository {
    let database: PostgresDatabase

    func standing(prefix: String, now: Date) async throws -> RangeStanding {
        try await database.read { sql in try await PostgresRangeRows.standing(sql, prefix: prefix, now: now) }
    }

    func block(prefix: String, reason: String, by operatorID: Int64?, now: Date) async throws -> RangeBlock {
        let block = RangeBlock(prefix: prefix, reason: reason, automatic: false, createdAt: now, expiresAt: nil, createdBy: operatorID)
        try await database.write(affecting: .nobody) { sql in try await PostgresRangeRows.save(sql, block) }
        return block
    }

    func unblock(prefix: String, now: Date) async throws -> Bool {
        try await database.write(affecting: .nobody) { sql in
            let lifted = try await sql.rows(
                "DELETE FROM range_blocks WHERE prefix = \(prefix) RETURNING (expires_at IS NULL OR expires_at > \(now)) AS in_force")
            return try lifted.first?["in_force"].decode(Bool.self) ?? false
        }
    }

    func blocks(now: Date) async throws -> [RangeBlock] {
        try await database.read { sql in
            try await sql.rows(
                "SELECT * FROM range_blocks WHERE expires_at IS NULL OR expires_at > \(now) ORDER BY created_at DESC, prefix"
            ).map(PostgresRangeRows.block(from:))
        }
    }

    func busiestRanges(limit: Int, now: Date) async throws -> [RangeReport] {
        try await database.read { sql in
            let prefixes = try await sql.rows(
                """
                SELECT r.prefix FROM range_stats r
                LEFT JOIN (SELECT prefix, count(*) AS n FROM sms_sends WHERE verified_at IS NULL AND created_at > \(now.addingTimeInterval(-3_600))
                           GROUP BY prefix) u ON u.prefix = r.prefix
                ORDER BY COALESCE(u.n, 0) DESC, r.sent DESC, r.prefix LIMIT \(limit)
                """
            ).map { try $0["prefix"].decode(String.self) }
            var reports: [RangeReport] = []
            for prefix in prefixes {
                reports.append(
                    RangeReport(
                        prefix: prefix, standing: try await PostgresRangeRows.standing(sql, prefix: prefix, now: now),
                        block: try await PostgresRangeRows.block(sql, prefix: prefix, now: now)))
            }
            return reports
        }
    }
}
