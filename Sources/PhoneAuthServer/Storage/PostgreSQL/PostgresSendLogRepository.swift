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
                """
                INSERT INTO sms_sends (phone_number, ip, prefix, created_at)
                VALUES (\(attempt.phone), \(attempt.ip), \(attempt.prefix), \(now))
                """)
            return nil
        }
    }

    private static func retryAfter(_ sql: PostgresExecutor, rule: WindowRule, attempt: SendAttempt, now: Date) async throws -> Int? {
        let since = now.addingTimeInterval(-rule.window)
        // The newest `max` sends in the window: the last of them is the one that must age out for another to pass.
        let (phone, ip, prefix): (String?, String?, String?) =
            switch rule.scope {
            case .phone: (attempt.phone, nil, nil)
            case .ip: (nil, attempt.ip, nil)
            case .prefix: (nil, nil, attempt.prefix)
            case .global: (nil, nil, nil)
            }
        let rows = try await sql.rows(
            """
            SELECT created_at FROM sms_sends
            WHERE (\(phone)::text IS NULL OR phone_number = \(phone)) AND (\(ip)::text IS NULL OR ip = \(ip))
            AND (\(prefix)::text IS NULL OR prefix = \(prefix)) AND created_at > \(since)
            ORDER BY created_at DESC LIMIT \(rule.max)
            """)
        guard rows.count >= rule.max, let oldest = try rows.last?["created_at"].decode(Date.self) else { return nil }
        return SlidingWindowMath.retryAfter(oldestCounted: oldest, window: rule.window, now: now)
    }
}
