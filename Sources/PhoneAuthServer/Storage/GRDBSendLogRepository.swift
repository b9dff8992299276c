import Foundation
import GRDB

struct GRDBSendLogRepository: SendLogRepository {
    let database: AppDatabase
    /// Older rows can no longer affect any limit.
    static let retention: TimeInterval = 2 * 86_400

    func admit(_ attempt: SendAttempt, rules: [WindowRule], now: Date) async throws -> SendRefusal? {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM sms_sends WHERE created_at < ?", arguments: [now.addingTimeInterval(-Self.retention)])
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
        let (filter, value): (String, String?) =
            switch rule.scope {
            case .phone: ("phone_number = ?", attempt.phone)
            case .ip: ("ip = ?", attempt.ip)
            case .prefix: ("prefix = ?", attempt.prefix)
            case .global: ("1 = 1", nil)
            }
        let since = now.addingTimeInterval(-rule.window)
        var arguments: StatementArguments = value.map { [$0] } ?? []
        arguments += [since]
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sms_sends WHERE \(filter) AND created_at > ?", arguments: arguments) ?? 0
        guard count >= rule.max else { return nil }
        // The window frees up when enough of its oldest sends have aged out.
        arguments += [count - rule.max]
        let oldest = try Date.fetchOne(
            db, sql: "SELECT created_at FROM sms_sends WHERE \(filter) AND created_at > ? ORDER BY created_at LIMIT 1 OFFSET ?",
            arguments: arguments
        )
        let freeAt = (oldest ?? now).addingTimeInterval(rule.window)
        return max(1, Int(freeAt.timeIntervalSince(now).rounded(.up)))
    }
}
