import Foundation
import GRDB

struct SQLiteSendLogRepository: SendLogRepository {
    let database: SQLiteDatabase

    func admit(_ attempt: SendAttempt, rules: [WindowRule], now: Date) async throws -> SendRefusal? {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM sms_sends WHERE created_at < ?", arguments: [now.addingTimeInterval(-StorageRetention.sendLog)])
            for rule in rules {
                if let retryAfter = try Self.retryAfter(db, rule: rule, attempt: attempt, now: now) {
                    return SendRefusal(rule: rule, retryAfter: retryAfter)
                }
            }
            try db.execute(
                sql: "INSERT INTO sms_sends (phone_number, ip, prefix, created_at) VALUES (?, ?, ?, ?)",
                arguments: [attempt.phone, attempt.ip, attempt.prefix, now]
            )
            try db.execute(
                sql: "INSERT INTO range_stats (prefix, sent, verified) VALUES (?, 1, 0) ON CONFLICT (prefix) DO UPDATE SET sent = sent + 1",
                arguments: [attempt.prefix])
            return nil
        }
    }

    func standing(prefix: String, now: Date) async throws -> RangeStanding {
        try await database.writer.read { db in
            let hourAgo = now.addingTimeInterval(-3_600)
            var standing = RangeStanding()
            if let row = try Row.fetchOne(db, sql: "SELECT sent, verified FROM range_stats WHERE prefix = ?", arguments: [prefix]) {
                standing.sent = row["sent"]
                standing.verified = row["verified"]
            }
            standing.unverifiedLastHour = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM sms_sends WHERE prefix = ? AND verified_at IS NULL AND created_at > ?",
                arguments: [prefix, hourAgo]) ?? 0
            standing.globalUnverifiedLastHour = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM sms_sends WHERE verified_at IS NULL AND created_at > ?", arguments: [hourAgo]) ?? 0
            return standing
        }
    }

    /// Inside a sign-in's transaction: the phone's sends of the last hour are verified, and their ranges credited once
    /// per sign-in.
    static func markVerified(_ db: Database, phone: String, now: Date) throws {
        let prefixes = try String.fetchAll(
            db, sql: "UPDATE sms_sends SET verified_at = ? WHERE phone_number = ? AND verified_at IS NULL AND created_at > ? RETURNING prefix",
            arguments: [now, phone, now.addingTimeInterval(-3_600)])
        for prefix in Set(prefixes) {
            try db.execute(
                sql: "UPDATE range_stats SET verified = verified + 1, last_verified_at = ? WHERE prefix = ?", arguments: [now, prefix])
        }
    }

    /// nil when the rule lets the attempt through; otherwise the seconds until the send that breaks it leaves the window.
    private static func retryAfter(_ db: Database, rule: WindowRule, attempt: SendAttempt, now: Date) throws -> Int? {
        let (filter, arguments): (String, StatementArguments) =
            switch rule.scope {
            case .phone: ("phone_number = ?", [attempt.phone])
            case .ip: ("ip = ?", [attempt.ip])
            case .prefix: ("prefix = ?", [attempt.prefix])
            case .global: ("1 = 1", [])
            }
        return try SlidingWindow.retryAfter(
            db, table: "sms_sends", filter: filter, arguments: arguments, max: rule.max, window: rule.window, now: now)
    }
}
