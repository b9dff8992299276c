import Foundation
import GRDB
import PhoneAuthCore

/// Number ranges on SQLite: their standing and the operators' blocks.
struct SQLiteRangeRepository: RangeRepository {
    let database: SQLiteDatabase

    func standing(prefix: String, now: Date) async throws -> RangeStanding {
        try await database.writer.read { db in try SQLiteRangeRows.standing(db, prefix: prefix, now: now) }
    }

    func block(prefix: String, reason: String, by operatorID: Int64?, now: Date) async throws -> RangeBlock {
        let block = RangeBlock(prefix: prefix, reason: reason, automatic: false, createdAt: now, expiresAt: nil, createdBy: operatorID)
        try await database.writer.write { db in try SQLiteRangeRows.save(db, block) }
        return block
    }

    func unblock(prefix: String, now: Date) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(
                sql: "DELETE FROM range_blocks WHERE prefix = ? AND (expires_at IS NULL OR expires_at > ?)", arguments: [prefix, now])
            let lifted = db.changesCount > 0
            try db.execute(sql: "DELETE FROM range_blocks WHERE prefix = ?", arguments: [prefix])
            return lifted
        }
    }

    func blocks(now: Date) async throws -> [RangeBlock] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM range_blocks WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at DESC, prefix",
                arguments: [now]
            ).map(SQLiteRangeRows.block(from:))
        }
    }

    func busiestRanges(limit: Int, now: Date) async throws -> [RangeReport] {
        try await database.writer.read { db in
            let prefixes = try String.fetchAll(
                db,
                sql: """
                    SELECT r.prefix FROM range_stats r
                    LEFT JOIN (SELECT prefix, COUNT(*) AS n FROM sms_sends WHERE verified_at IS NULL AND created_at > ? GROUP BY prefix) u
                    ON u.prefix = r.prefix
                    ORDER BY COALESCE(u.n, 0) DESC, r.sent DESC, r.prefix LIMIT ?
                    """, arguments: [now.addingTimeInterval(-3_600), limit])
            return try prefixes.map { prefix in
                RangeReport(
                    prefix: prefix, standing: try SQLiteRangeRows.standing(db, prefix: prefix, now: now),
                    block: try SQLiteRangeRows.block(db, prefix: prefix, now: now))
            }
        }
    }
}
