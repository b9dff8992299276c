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
            return nil
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
