import Foundation
import PostgresNIO

/// Every SQL statement about `sms_sends` on PostgreSQL. The global budget spans every send, so admitting one takes a
/// single advisory lock: sends queue behind each other for a few milliseconds, and no limit can be overshot by
/// instances counting at the same time.
struct PostgresSendLogRepository: SendLogRepository {
    let database: PostgresDatabase

    func admit(_ attempt: SendAttempt, rules: [WindowRule], now: Date) async throws -> SendRefusal? {
        try await database.write { sql in
            try await sql.lock("sms-sends")
            try await sql.execute("DELETE FROM sms_sends WHERE created_at < \(now.addingTimeInterval(-StorageRetention.sendLog))")
            for rule in rules {
                if let retryAfter = try await Self.retryAfter(sql, rule: rule, attempt: attempt, now: now) {
                    return SendRefusal(rule: rule, retryAfter: retryAfter)
                }
            }
            try await sql.execute(
                "INSERT INTO sms_sends (phone_number, ip, prefix, created_at) VALUES (\(attempt.phone), \(attempt.ip), \(attempt.prefix), \(now))")
            return nil
        }
    }

    private static func retryAfter(_ sql: PostgresExecutor, rule: WindowRule, attempt: SendAttempt, now: Date) async throws -> Int? {
        let since = now.addingTimeInterval(-rule.window)
        let query: PostgresQuery =
            switch rule.scope {
            case .phone: "SELECT created_at FROM sms_sends WHERE phone_number = \(attempt.phone) AND created_at > \(since) ORDER BY created_at DESC LIMIT \(rule.max)"
            case .ip: "SELECT created_at FROM sms_sends WHERE ip = \(attempt.ip) AND created_at > \(since) ORDER BY created_at DESC LIMIT \(rule.max)"
            case .prefix: "SELECT created_at FROM sms_sends WHERE prefix = \(attempt.prefix) AND created_at > \(since) ORDER BY created_at DESC LIMIT \(rule.max)"
            case .global: "SELECT created_at FROM sms_sends WHERE created_at > \(since) ORDER BY created_at DESC LIMIT \(rule.max)"
            }
        let rows = try await sql.rows(query)
        guard rows.count >= rule.max, let oldest = try rows.last?["created_at"].decode(Date.self) else { return nil }
        return SlidingWindowMath.retryAfter(oldestCounted: oldest, window: rule.window, now: now)
    }
}
