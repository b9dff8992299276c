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
            try await sql.execute(
                """
                INSERT INTO range_stats (prefix, sent, verified) VALUES (\(attempt.prefix), 1, 0)
                ON CONFLICT (prefix) DO UPDATE SET sent = range_stats.sent + 1
                """)
            return nil
        }
    }

    func standing(prefix: String, now: Date) async throws -> RangeStanding {
        try await database.read { sql in
            let hourAgo = now.addingTimeInterval(-3_600)
            var standing = RangeStanding()
            if let row = try await sql.row("SELECT sent, verified FROM range_stats WHERE prefix = \(prefix)") {
                standing.sent = try row["sent"].decode(Int.self)
                standing.verified = try row["verified"].decode(Int.self)
            }
            let counts = try await sql.row(
                """
                SELECT count(*) FILTER (WHERE prefix = \(prefix)) AS here, count(*) AS everywhere FROM sms_sends
                WHERE verified_at IS NULL AND created_at > \(hourAgo)
                """)
            standing.unverifiedLastHour = try counts?["here"].decode(Int.self) ?? 0
            standing.globalUnverifiedLastHour = try counts?["everywhere"].decode(Int.self) ?? 0
            return standing
        }
    }

    /// Inside a sign-in's transaction: the phone's sends of the last hour are verified, and their ranges credited once
    /// per sign-in.
    static func markVerified(_ sql: PostgresExecutor, phone: String, now: Date) async throws {
        try await sql.execute(
            """
            WITH marked AS (
                UPDATE sms_sends SET verified_at = \(now)
                WHERE phone_number = \(phone) AND verified_at IS NULL AND created_at > \(now.addingTimeInterval(-3_600))
                RETURNING prefix)
            UPDATE range_stats SET verified = verified + 1, last_verified_at = \(now) WHERE prefix IN (SELECT prefix FROM marked)
            """)
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
