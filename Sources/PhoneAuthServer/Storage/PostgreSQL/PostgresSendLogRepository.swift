import Foundation
import PostgresNIO

/// Every SQL statement about sends, ranges and their blocks on PostgreSQL. The global budget and the server-wide
/// allowance span every send, so admitting one takes a single advisory lock: sends queue behind each other for a few
/// milliseconds, and no limit can be overshot by instances counting at the same time.
struct PostgresSendLogRepository: SendLogRepository {
    let database: PostgresDatabase

    func admit(_ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, now: Date) async throws -> SendAdmission {
        let decision = SendAdmissionDecision(attempt: attempt, rules: rules, screening: screening, now: now)
        return try await database.write { sql in
            try await sql.lock("sms-sends")
            try await sql.execute("DELETE FROM sms_sends WHERE created_at < \(now.addingTimeInterval(-StorageRetention.sendLog))")
            var facts = SendAdmissionDecision.Facts(
                knownGood: try await Self.signedInBefore(sql, phone: attempt.phone),
                block: try await Self.block(sql, prefix: attempt.prefix, now: now))
            while true {
                switch decision.next(facts) {
                case .read(.window(let index, let limit)):
                    facts.windows[index] = try await Self.fill(
                        sql, rule: rules[index], limit: limit, attempt: attempt, knownGood: facts.knownGood, now: now)
                case .read(.verifiedPhones(let window)):
                    facts.verifiedPhones[window] = try await Self.verifiedPhones(sql, ip: attempt.ip, since: now.addingTimeInterval(-window))
                case .read(.standing):
                    facts.standing = try await Self.standing(sql, prefix: attempt.prefix, now: now)
                case .read(.networkChallenges):
                    facts.networkChallenges = try await Self.challenges(sql, scope: ChallengeCounts.network(attempt.ip), now: now)
                case .apply(let admission):
                    try await Self.apply(sql, admission, attempt, now: now)
                    return admission
                }
            }
        }
    }

    private static func apply(_ sql: PostgresExecutor, _ admission: SendAdmission, _ attempt: SendAttempt, now: Date) async throws {
        switch admission {
        case .admitted(let knownGood):
            try await sql.execute(
                """
                INSERT INTO sms_sends (phone_number, ip, prefix, created_at, known_good)
                VALUES (\(attempt.phone), \(attempt.ip), \(attempt.prefix), \(now), \(knownGood))
                """)
            try await sql.execute(
                """
                INSERT INTO range_stats (prefix, sent, verified) VALUES (\(attempt.prefix), 1, 0)
                ON CONFLICT (prefix) DO UPDATE SET sent = range_stats.sent + 1
                """)
        case .challenged:
            try await countChallenge(sql, attempt, now: now)
        case .hardened(let block, _):
            try await save(sql, block)
            try await countChallenge(sql, attempt, now: now)
        case .refused, .blocked:
            break
        }
    }

    func standing(prefix: String, now: Date) async throws -> RangeStanding {
        try await database.read { sql in try await Self.standing(sql, prefix: prefix, now: now) }
    }

    func block(prefix: String, reason: String, by operatorID: Int64?, now: Date) async throws -> RangeBlock {
        let block = RangeBlock(prefix: prefix, reason: reason, automatic: false, createdAt: now, expiresAt: nil, createdBy: operatorID)
        try await database.write { sql in try await Self.save(sql, block) }
        return block
    }

    func unblock(prefix: String, now: Date) async throws -> Bool {
        try await database.write { sql in
            let lifted = try await sql.rows(
                "DELETE FROM range_blocks WHERE prefix = \(prefix) RETURNING (expires_at IS NULL OR expires_at > \(now)) AS in_force")
            return try lifted.first?["in_force"].decode(Bool.self) ?? false
        }
    }

    func blocks(now: Date) async throws -> [RangeBlock] {
        try await database.read { sql in
            try await sql.rows(
                "SELECT * FROM range_blocks WHERE expires_at IS NULL OR expires_at > \(now) ORDER BY created_at DESC, prefix"
            ).map(Self.block(from:))
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
                        prefix: prefix, standing: try await Self.standing(sql, prefix: prefix, now: now),
                        block: try await Self.block(sql, prefix: prefix, now: now)))
            }
            return reports
        }
    }

    /// Inside a sign-in's transaction: the phone's sends of the last hour are verified; their ranges count the sign-in
    /// and, unless this phone signed in there within the send log's two days, gain a point of credit.
    static func markVerified(_ sql: PostgresExecutor, phone: String, now: Date) async throws {
        let creditedBefore = Set(
            try await sql.rows("SELECT DISTINCT prefix FROM sms_sends WHERE phone_number = \(phone) AND verified_at IS NOT NULL")
                .map { try $0["prefix"].decode(String.self) })
        let marked = try await sql.rows(
            """
            UPDATE sms_sends SET verified_at = \(now)
            WHERE phone_number = \(phone) AND verified_at IS NULL AND created_at > \(now.addingTimeInterval(-3_600))
            RETURNING prefix
            """)
        for prefix in Set(try marked.map { try $0["prefix"].decode(String.self) }) {
            let row = try await sql.row(
                """
                UPDATE range_stats SET verified = verified + 1, last_verified_at = \(now) WHERE prefix = \(prefix)
                RETURNING credit, credit_at
                """)
            guard !creditedBefore.contains(prefix), let row else { continue }
            let credit = RangeCredit.credited(
                try row["credit"].decode(Double.self), since: try row["credit_at"].decode(Date?.self), now: now)
            try await sql.execute("UPDATE range_stats SET credit = \(credit), credit_at = \(now) WHERE prefix = \(prefix)")
        }
    }

    private static func standing(_ sql: PostgresExecutor, prefix: String, now: Date) async throws -> RangeStanding {
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

    private static func challenges(_ sql: PostgresExecutor, scope: String, now: Date) async throws -> Int {
        try await sql.row(
            """
            SELECT COALESCE(SUM(count), 0)::bigint AS n FROM challenge_counts
            WHERE scope = \(scope) AND hour >= \(ChallengeCounts.firstCountedHour(at: now))
            """)?["n"].decode(Int.self) ?? 0
    }

    private static func countChallenge(_ sql: PostgresExecutor, _ attempt: SendAttempt, now: Date) async throws {
        for scope in [ChallengeCounts.range(attempt.prefix), ChallengeCounts.network(attempt.ip)] {
            try await sql.execute(
                """
                INSERT INTO challenge_counts (scope, hour, count) VALUES (\(scope), \(ChallengeCounts.hour(of: now)), 1)
                ON CONFLICT (scope, hour) DO UPDATE SET count = challenge_counts.count + 1
                """)
        }
    }

    private static func verifiedPhones(_ sql: PostgresExecutor, ip: String, since: Date) async throws -> Int {
        try await sql.row(
            """
            SELECT COUNT(DISTINCT phone_number) AS n FROM sms_sends WHERE ip = \(ip) AND verified_at IS NOT NULL AND created_at > \(since)
            """)?["n"].decode(Int.self) ?? 0
    }

    private static func signedInBefore(_ sql: PostgresExecutor, phone: String) async throws -> Bool {
        try await sql.row("SELECT EXISTS (SELECT 1 FROM users WHERE phone_number = \(phone) AND is_verified) AS known")?["known"]
            .decode(Bool.self) ?? false
    }

    private static func block(_ sql: PostgresExecutor, prefix: String, now: Date) async throws -> RangeBlock? {
        try await sql.row(
            "SELECT * FROM range_blocks WHERE prefix = \(prefix) AND (expires_at IS NULL OR expires_at > \(now))"
        ).map(block(from:))
    }

    private static func save(_ sql: PostgresExecutor, _ block: RangeBlock) async throws {
        try await sql.execute(
            """
            INSERT INTO range_blocks (prefix, reason, automatic, created_at, expires_at, created_by)
            VALUES (\(block.prefix), \(block.reason), \(block.automatic), \(block.createdAt), \(block.expiresAt), \(block.createdBy))
            ON CONFLICT (prefix) DO UPDATE SET reason = EXCLUDED.reason, automatic = EXCLUDED.automatic,
                created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, created_by = EXCLUDED.created_by
            """)
    }

    private static func block(from row: PostgresRandomAccessRow) throws -> RangeBlock {
        RangeBlock(
            prefix: try row["prefix"].decode(String.self), reason: try row["reason"].decode(String.self),
            automatic: try row["automatic"].decode(Bool.self), createdAt: try row["created_at"].decode(Date.self),
            expiresAt: try row["expires_at"].decode(Date?.self), createdBy: try row["created_by"].decode(Int64?.self))
    }

    /// Whether the rule's window holds `limit` sends of the attempt's scope. The budgets count the pool the attempt
    /// draws from: numbers that signed in before have one of their own.
    private static func fill(
        _ sql: PostgresExecutor, rule: WindowRule, limit: Int, attempt: SendAttempt, knownGood: Bool, now: Date
    ) async throws -> WindowFill {
        let since = now.addingTimeInterval(-rule.window)
        // The newest `limit` sends in the window: the last of them is the one that must age out for another to pass.
        let (phone, ip, prefix, pool): (String?, String?, String?, Bool?) =
            switch rule.scope {
            case .phone: (attempt.phone, nil, nil, nil)
            case .ip: (nil, attempt.ip, nil, nil)
            case .prefix: (nil, nil, attempt.prefix, nil)
            case .global: (nil, nil, nil, knownGood)
            }
        let rows = try await sql.rows(
            """
            SELECT created_at FROM sms_sends
            WHERE (\(phone)::text IS NULL OR phone_number = \(phone)) AND (\(ip)::text IS NULL OR ip = \(ip))
            AND (\(prefix)::text IS NULL OR prefix = \(prefix)) AND (\(pool)::boolean IS NULL OR known_good = \(pool))
            AND created_at > \(since)
            ORDER BY created_at DESC LIMIT \(limit)
            """)
        guard rows.count >= limit, let oldest = try rows.last?["created_at"].decode(Date.self) else { return .under }
        return .full(oldestCounted: oldest)
    }
}
