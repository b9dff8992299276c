import Foundation
import GRDB

/// Every SQL statement about sends, ranges and their blocks on SQLite. The single writer serialises admissions, so
/// no limit or allowance can be overshot by concurrent sends.
struct SQLiteSendLogRepository: SendLogRepository {
    let database: SQLiteDatabase

    func admit(_ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, now: Date) async throws -> SendAdmission {
        let decision = SendAdmissionDecision(attempt: attempt, rules: rules, screening: screening, now: now)
        return try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM sms_sends WHERE created_at < ?", arguments: [now.addingTimeInterval(-StorageRetention.sendLog)])
            var facts = SendAdmissionDecision.Facts(
                knownGood: try Self.signedInBefore(db, phone: attempt.phone), block: try Self.block(db, prefix: attempt.prefix, now: now))
            while true {
                switch decision.next(facts) {
                case .read(.window(let index, let limit)):
                    facts.windows[index] = try Self.fill(db, rule: rules[index], limit: limit, attempt: attempt, knownGood: facts.knownGood, now: now)
                case .read(.verifiedPhones(let window)):
                    facts.verifiedPhones[window] = try Self.verifiedPhones(db, ip: attempt.ip, since: now.addingTimeInterval(-window))
                case .read(.standing):
                    facts.standing = try Self.standing(db, prefix: attempt.prefix, now: now)
                case .read(.networkChallenges):
                    facts.networkChallenges = try Self.challenges(db, scope: ChallengeCounts.network(attempt.ip), now: now)
                case .apply(let admission):
                    try Self.apply(db, admission, attempt, now: now)
                    return admission
                }
            }
        }
    }

    private static func apply(_ db: Database, _ admission: SendAdmission, _ attempt: SendAttempt, now: Date) throws {
        switch admission {
        case .admitted(let knownGood):
            try db.execute(
                sql: "INSERT INTO sms_sends (phone_number, ip, prefix, created_at, known_good) VALUES (?, ?, ?, ?, ?)",
                arguments: [attempt.phone, attempt.ip, attempt.prefix, now, knownGood])
            try db.execute(
                sql: "INSERT INTO range_stats (prefix, sent, verified) VALUES (?, 1, 0) ON CONFLICT (prefix) DO UPDATE SET sent = sent + 1",
                arguments: [attempt.prefix])
        case .challenged:
            try countChallenge(db, attempt, now: now)
        case .hardened(let block, _):
            try save(db, block)
            try countChallenge(db, attempt, now: now)
        case .refused, .blocked:
            break
        }
    }

    func standing(prefix: String, now: Date) async throws -> RangeStanding {
        try await database.writer.read { db in try Self.standing(db, prefix: prefix, now: now) }
    }

    func block(prefix: String, reason: String, by operatorID: Int64?, now: Date) async throws -> RangeBlock {
        let block = RangeBlock(prefix: prefix, reason: reason, automatic: false, createdAt: now, expiresAt: nil, createdBy: operatorID)
        try await database.writer.write { db in try Self.save(db, block) }
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
            ).map(Self.block(from:))
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
                    prefix: prefix, standing: try Self.standing(db, prefix: prefix, now: now), block: try Self.block(db, prefix: prefix, now: now))
            }
        }
    }

    /// Inside a sign-in's transaction: the phone's sends of the last hour are verified; their ranges count the sign-in
    /// and, unless this phone signed in there within the send log's two days, gain a point of credit.
    static func markVerified(_ db: Database, phone: String, now: Date) throws {
        let creditedBefore = Set(try String.fetchAll(
            db, sql: "SELECT DISTINCT prefix FROM sms_sends WHERE phone_number = ? AND verified_at IS NOT NULL", arguments: [phone]))
        let prefixes = try String.fetchAll(
            db, sql: "UPDATE sms_sends SET verified_at = ? WHERE phone_number = ? AND verified_at IS NULL AND created_at > ? RETURNING prefix",
            arguments: [now, phone, now.addingTimeInterval(-3_600)])
        for prefix in Set(prefixes) {
            try db.execute(
                sql: "UPDATE range_stats SET verified = verified + 1, last_verified_at = ? WHERE prefix = ?", arguments: [now, prefix])
            guard !creditedBefore.contains(prefix),
                let row = try Row.fetchOne(db, sql: "SELECT credit, credit_at FROM range_stats WHERE prefix = ?", arguments: [prefix])
            else { continue }
            try db.execute(
                sql: "UPDATE range_stats SET credit = ?, credit_at = ? WHERE prefix = ?",
                arguments: [RangeCredit.credited(row["credit"], since: row["credit_at"], now: now), now, prefix])
        }
    }

    private static func standing(_ db: Database, prefix: String, now: Date) throws -> RangeStanding {
        let hourAgo = now.addingTimeInterval(-3_600)
        var standing = RangeStanding()
        if let row = try Row.fetchOne(db, sql: "SELECT sent, verified, credit, credit_at FROM range_stats WHERE prefix = ?", arguments: [prefix]) {
            standing.sent = row["sent"]
            standing.verified = row["verified"]
            standing.credit = RangeCredit.decayed(row["credit"], since: row["credit_at"], now: now)
        }
        let here = try Row.fetchOne(
            db,
            sql: """
                SELECT COALESCE(SUM(verified_at IS NULL), 0) AS unverified,
                       COUNT(DISTINCT CASE WHEN verified_at IS NOT NULL THEN phone_number END) AS verified
                FROM sms_sends WHERE prefix = ? AND created_at > ?
                """, arguments: [prefix, hourAgo])
        standing.unverifiedLastHour = here?["unverified"] ?? 0
        standing.verifiedLastHour = here?["verified"] ?? 0
        standing.globalUnverifiedLastHour = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM sms_sends WHERE verified_at IS NULL AND created_at > ?", arguments: [hourAgo]) ?? 0
        standing.challengesLastHour = try challenges(db, scope: ChallengeCounts.range(prefix), now: now)
        return standing
    }

    private static func challenges(_ db: Database, scope: String, now: Date) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COALESCE(SUM(count), 0) FROM challenge_counts WHERE scope = ? AND hour >= ?",
            arguments: [scope, ChallengeCounts.firstCountedHour(at: now)]) ?? 0
    }

    private static func countChallenge(_ db: Database, _ attempt: SendAttempt, now: Date) throws {
        for scope in [ChallengeCounts.range(attempt.prefix), ChallengeCounts.network(attempt.ip)] {
            try db.execute(
                sql: "INSERT INTO challenge_counts (scope, hour, count) VALUES (?, ?, 1) ON CONFLICT (scope, hour) DO UPDATE SET count = count + 1",
                arguments: [scope, ChallengeCounts.hour(of: now)])
        }
    }

    private static func verifiedPhones(_ db: Database, ip: String, since: Date) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(DISTINCT phone_number) FROM sms_sends WHERE ip = ? AND verified_at IS NOT NULL AND created_at > ?",
            arguments: [ip, since]) ?? 0
    }

    private static func signedInBefore(_ db: Database, phone: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM users WHERE phone_number = ? AND is_verified)", arguments: [phone]) ?? false
    }

    private static func block(_ db: Database, prefix: String, now: Date) throws -> RangeBlock? {
        try Row.fetchOne(
            db, sql: "SELECT * FROM range_blocks WHERE prefix = ? AND (expires_at IS NULL OR expires_at > ?)", arguments: [prefix, now]
        ).map(block(from:))
    }

    private static func save(_ db: Database, _ block: RangeBlock) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO range_blocks (prefix, reason, automatic, created_at, expires_at, created_by) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [block.prefix, block.reason, block.automatic, block.createdAt, block.expiresAt, block.createdBy])
    }

    private static func block(from row: Row) -> RangeBlock {
        RangeBlock(
            prefix: row["prefix"], reason: row["reason"], automatic: row["automatic"], createdAt: row["created_at"],
            expiresAt: row["expires_at"], createdBy: row["created_by"])
    }

    /// Whether the rule's window holds `limit` sends of the attempt's scope. The budgets count the pool the attempt
    /// draws from: numbers that signed in before have one of their own.
    private static func fill(_ db: Database, rule: WindowRule, limit: Int, attempt: SendAttempt, knownGood: Bool, now: Date) throws
        -> WindowFill
    {
        let (filter, arguments): (String, StatementArguments) =
            switch rule.scope {
            case .phone: ("phone_number = ?", [attempt.phone])
            case .ip: ("ip = ?", [attempt.ip])
            case .prefix: ("prefix = ?", [attempt.prefix])
            case .global: ("known_good = ?", [knownGood])
            }
        return try SlidingWindow.fill(db, table: "sms_sends", filter: filter, arguments: arguments, max: limit, window: rule.window, now: now)
    }
}
