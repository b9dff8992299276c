import Foundation
import GRDB
import PhoneAuthCore

/// Signing in on SQLite: sends, codes and their redemption. The single writer serialises admissions and redemptions,
/// so no limit, allowance or try budget can be overshot by concurrent requests.
struct SQLiteSignInRepository: SignInRepository {
    let database: SQLiteDatabase

    func create(idHash: Data, phone: String, codeHash: Data, expiresAt: Date, changeSession: String?, now: Date) async throws -> StoredVerification {
        try await database.writer.write { db in
            try db.run("DELETE FROM verifications WHERE phone_number = ? AND expires_at <= ?", [phone, now])
            let earlier = try Verification.fetchAll(
                db.prepared("SELECT * FROM verifications WHERE phone_number = ? AND code_hash = ?"), arguments: [phone, codeHash])
            var verification = Verification(
                id: nil, idHash: idHash, phoneNumber: phone, codeHash: codeHash,
                idAttempts: earlier.map(\.idAttempts).max() ?? 0, phoneAttempts: earlier.map(\.phoneAttempts).max() ?? 0,
                expiresAt: expiresAt, createdAt: now, changeSession: changeSession)
            try verification.insert(db)
            let user = try SQLiteUserRows.standing(db, phone: phone)
            return StoredVerification(
                id: verification.id!, phoneIsDisabled: user?.disabled ?? false, userLanguage: user?.language, accountLastSignIn: user?.lastSignIn)
        }
    }

    func mark(id: Int64, _ marks: NetworkMarks) async throws {
        try await database.writer.write { db in
            try db.run("UPDATE verifications SET sim_swap = ?, recycled = ? WHERE id = ?", [marks.simSwap?.rawValue, marks.recycled, id])
        }
    }

    func startFlow(_ flow: NetworkFlow, maxLivePerPhone: Int, now: Date) async throws -> Bool {
        try await database.writer.write { db in
            try db.run("DELETE FROM network_flows WHERE phone_number = ? AND expires_at <= ?", [flow.phoneNumber, now])
            let live = try Int.fetchOne(db.prepared("SELECT COUNT(*) FROM network_flows WHERE phone_number = ?"), arguments: [flow.phoneNumber])
            guard (live ?? 0) < maxLivePerPhone else { return false }
            try db.run(
                """
                INSERT INTO network_flows (id_hash, phone_number, state, client_challenge, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """, [flow.idHash, flow.phoneNumber, flow.state, flow.clientChallenge, flow.expiresAt, flow.createdAt])
            return true
        }
    }

    func takeFlow(idHash: Data, network: String, limit: FailureLimit?, now: Date) async throws -> FlowTake {
        try await database.writer.write { db in
            if let limit, let wait = try Self.failures(db, "network = ?", [network], max: limit.max, window: limit.window, now: now) {
                return .networkRateLimited(retryAfter: wait)
            }
            guard
                let row = try Row.fetchOne(
                    db.prepared("DELETE FROM network_flows WHERE id_hash = ? AND expires_at > ? RETURNING *"), arguments: [idHash, now])
            else { return .none }
            let flow = NetworkFlow(
                idHash: row["id_hash"], phoneNumber: row["phone_number"], state: row["state"], clientChallenge: row["client_challenge"],
                expiresAt: row["expires_at"], createdAt: row["created_at"])
            return .flow(flow, accountLastSignIn: try SQLiteUserRows.standing(db, phone: flow.phoneNumber)?.lastSignIn)
        }
    }

    func recordFlowFailure(network: String, now: Date) async throws {
        try await database.writer.write { db in
            try db.run("INSERT INTO verify_failures (phone_number, path, network, created_at) VALUES ('', 'network', ?, ?)", [network, now])
        }
    }

    func signInProven(phone: String, marks: NetworkMarks, guess: Guess, session: NewSession, now: Date) async throws -> RedemptionOutcome {
        try await database.writer.write { db in
            try Self.signIn(db, phone: phone, marks: marks, code: nil, guess: guess, session: session, now: now)
        }
    }

    func delete(id: Int64) async throws {
        _ = try await database.writer.write { db in try Verification.deleteOne(db, key: id) }
    }

    func latestIssue(phone: String) async throws -> Date? {
        try await database.writer.read { db in
            try Verification.filter(Verification.Columns.phoneNumber == phone).select(max(Verification.Columns.createdAt), as: Date.self)
                .fetchOne(db)
        }
    }

    func redeem(_ guess: Guess, limits: GuessLimits, session: NewSession, now: Date) async throws -> RedemptionOutcome {
        // One write transaction: SQLite serialises writers, so of many concurrent redemptions of one code exactly one
        // sees it alive, and every counter below is read and bumped without a gap.
        try await database.writer.write { db in
            if let limit = limits.perNetwork,
                let retryAfter = try Self.failures(db, "network = ?", [guess.network], max: limit.max, window: limit.window, now: now)
            {
                return .networkRateLimited(retryAfter: retryAfter)
            }
            var verification: Verification?
            let phone: String
            switch guess.target {
            case .id(let hash):
                verification = try Verification.fetchOne(
                    db.prepared("SELECT * FROM verifications WHERE id_hash = ? AND change_session IS NULL AND expires_at > ?"),
                    arguments: [hash, now])
                guard let found = verification else {
                    try Self.recordFailure(db, phone: "", guess: guess, now: now)
                    return .rejected(attemptsRemaining: nil)
                }
                phone = found.phoneNumber
            case .phone(let number):
                phone = number
                verification = try Verification.fetchOne(
                    db.prepared(
                        """
                        SELECT * FROM verifications WHERE phone_number = ? AND change_session IS NULL AND expires_at > ?
                        ORDER BY created_at DESC, id DESC LIMIT 1
                        """),
                    arguments: [number, now])
            }
            if let retryAfter = try Self.phoneRetryAfter(db, phone: phone, target: guess.target, limits: limits, now: now) {
                return .phoneRateLimited(retryAfter: retryAfter)
            }
            switch GuessVerdict.judge(verification, guess: guess, limits: limits) {
            case .refuse(let outcome):
                return outcome
            case .wrong(let bump, let outcome):
                if bump, var code = verification {
                    if case .id = guess.target { code.idAttempts += 1 } else { code.phoneAttempts += 1 }
                    try code.update(db)
                }
                try Self.recordFailure(db, phone: phone, guess: guess, now: now)
                return outcome
            case .right:
                break
            }
            guard let code = verification else { return .rejected(attemptsRemaining: nil) }
            return try Self.signIn(db, phone: phone, marks: code.marks, code: code, guess: guess, session: session, now: now)
        }
    }

    /// What a proven number does (the right `code`, or the operator network's word with none), in the caller's
    /// transaction: a dormant holder is detached, then `SignInDecision` refuses or signs in.
    static func signIn(
        _ db: Database, phone: String, marks: NetworkMarks, code: Verification?, guess: Guess, session: NewSession, now: Date
    ) throws -> RedemptionOutcome {
        var existing = try SQLiteUserRows.fetch(db, phone: phone)
        // A dormant account's number may have a new owner: the code makes a fresh account, the old one is kept (only
        // when a sign-in can follow: a market no longer served detaches nothing).
        var detached = false
        if let holder = existing, guess.newUser(phone) != nil, try SQLiteAccountRows.isDormant(db, holder, guess: guess, recycled: marks.recycled) {
            try SQLiteAccountRows.detach(db, userID: holder.id!, now: now)
            (existing, detached) = (nil, true)
        }
        let released = existing == nil ? try SQLiteAccountRows.releasedUntil(db, digest: guess.digest(phone), now: now) : nil
        let decision = SignInDecision.decide(
            existing: existing, defaults: guess.newUser(phone), releasedUntil: released, simSwap: marks.simSwap, now: now)
        guard case .signIn(let defaults) = decision else {
            if decision.burnsCode, let code { try code.delete(db) }
            return decision.refusal ?? .rejected(attemptsRemaining: nil)
        }
        try db.run("DELETE FROM verifications WHERE phone_number = ?", [phone])
        let user = try SQLiteUserRows.activate(db, existing: existing, phone: phone, defaults: defaults, now: now)
        if existing?.isVerified != true { try SQLiteAccountRows.attach(db, userID: user.id!, phone: phone, now: now) }
        try SQLiteSessionRows.open(db, session, userID: user.id!, now: now)
        try SQLiteSendRows.markVerified(db, phone: phone, now: now)
        for event in AuthEvent.signedIn(user, sessionID: session.id, created: existing?.isVerified != true, at: now) {
            try SQLiteEventRows.append(db, event)
        }
        return .success(user, detached: detached, simSwapNotice: SignInDecision.notifiesSimSwap(existing: existing, simSwap: marks.simSwap))
    }

    /// nil while the phone is under its limits of wrong codes: the total across paths, and on the phone path its share.
    private static func phoneRetryAfter(
        _ db: Database, phone: String, target: VerificationTarget, limits: GuessLimits, now: Date
    ) throws
        -> Int?
    {
        guard let limit = limits.perPhone else { return nil }
        if let total = try failures(db, "phone_number = ?", [phone], max: limit.max, window: limit.window, now: now) { return total }
        guard case .phone = target, let share = limits.perPhoneOnPhonePath else { return nil }
        return try failures(db, "phone_number = ? AND path = 'phone'", [phone], max: share, window: limit.window, now: now)
    }

    static func failures(
        _ db: Database, _ filter: String, _ arguments: StatementArguments, max: Int, window: TimeInterval, now: Date
    )
        throws -> Int?
    {
        try SlidingWindow.fill(db, table: "verify_failures", filter: filter, arguments: arguments, max: max, window: window, now: now)
            .retryAfter(window: window, now: now)
    }

    static func recordFailure(_ db: Database, phone: String, guess: Guess, now: Date) throws {
        try db.run(
            "INSERT INTO verify_failures (phone_number, path, network, created_at) VALUES (?, ?, ?, ?)",
            [phone, guess.target.path, guess.network, now])
    }

    // MARK: Admitting a send

    func admit(_ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, now: Date) async throws -> SendAdmission {
        let decision = SendAdmissionDecision(attempt: attempt, rules: rules, screening: screening, now: now)
        return try await database.writer.write { db in
            var facts = SendAdmissionDecision.Facts(
                knownGood: try Self.signedInBefore(db, phone: attempt.phone), block: try SQLiteRangeRows.block(db, prefix: attempt.prefix, now: now))
            // The budgets' rings as read, so an admitted send counts itself in them without reading them again.
            var rings: [TimeInterval: BudgetRing] = [:]
            while true {
                switch decision.next(facts) {
                case .read(.window(let index, let limit)) where rules[index].scope == .global:
                    let window = rules[index].window
                    let ring = try SQLiteBudgetRows.ring(db, knownGood: facts.knownGood, window: window)
                    rings[window] = ring
                    facts.windows[index] = ring.fill(max: limit, window: window, now: now)
                case .read(.window(let index, let limit)):
                    facts.windows[index] = try Self.fill(db, rule: rules[index], limit: limit, attempt: attempt, now: now)
                case .read(.verifiedPhones(let window)):
                    facts.verifiedPhones[window] = try Self.verifiedPhones(db, ip: attempt.ip, since: now.addingTimeInterval(-window))
                case .read(.standing):
                    facts.standing = try SQLiteRangeRows.standing(db, prefix: attempt.prefix, now: now)
                case .read(.networkChallenges):
                    facts.networkChallenges = try SQLiteRangeRows.challenges(db, scope: ChallengeCounts.network(attempt.ip), now: now)
                case .apply(let admission):
                    try Self.apply(db, admission, attempt, now: now)
                    if case .admitted(let knownGood) = admission {
                        try SQLiteBudgetRows.count(
                            db, knownGood: knownGood, windows: rules.filter { $0.scope == .global }.map(\.window), at: [now], read: rings)
                    }
                    return admission
                }
            }
        }
    }

    private static func apply(_ db: Database, _ admission: SendAdmission, _ attempt: SendAttempt, now: Date) throws {
        switch admission {
        case .admitted(let knownGood):
            try db.run(
                "INSERT INTO sms_sends (phone_number, ip, prefix, created_at, known_good) VALUES (?, ?, ?, ?, ?)",
                [attempt.phone, attempt.ip, attempt.prefix, now, knownGood])
            try db.run(
                "INSERT INTO range_stats (prefix, sent, verified) VALUES (?, 1, 0) ON CONFLICT (prefix) DO UPDATE SET sent = sent + 1",
                [attempt.prefix])
            if !knownGood { try SQLiteSendRows.countUnverified(db, minute: UnverifiedCounts.minute(of: now), phone: attempt.phone, by: 1) }
        case .challenged:
            try countChallenge(db, attempt, now: now)
        case .hardened(let block, _):
            try SQLiteRangeRows.save(db, block)
            try countChallenge(db, attempt, now: now)
        case .refused, .blocked:
            break
        }
    }

    /// Whether the rule's window holds `limit` sends of the attempt's scope. (The budgets, which count the pool the
    /// attempt draws from, are rings: `BudgetRing`, read in `admit`.)
    private static func fill(_ db: Database, rule: WindowRule, limit: Int, attempt: SendAttempt, now: Date) throws -> WindowFill {
        let (filter, arguments): (String, StatementArguments) =
            switch rule.scope {
            case .phone: ("phone_number = ?", [attempt.phone])
            case .ip: ("ip = ?", [attempt.ip])
            case .prefix, .global: ("prefix = ?", [attempt.prefix])
            }
        return try SlidingWindow.fill(db, table: "sms_sends", filter: filter, arguments: arguments, max: limit, window: rule.window, now: now)
    }

    private static func verifiedPhones(_ db: Database, ip: String, since: Date) throws -> Int {
        try Int.fetchOne(
            db.prepared("SELECT COUNT(DISTINCT phone_number) FROM sms_sends WHERE ip = ? AND verified_at IS NOT NULL AND created_at > ?"),
            arguments: [ip, since]) ?? 0
    }

    private static func signedInBefore(_ db: Database, phone: String) throws -> Bool {
        try Bool.fetchOne(db.prepared("SELECT EXISTS (SELECT 1 FROM users WHERE phone_number = ? AND is_verified)"), arguments: [phone]) ?? false
    }

    private static func countChallenge(_ db: Database, _ attempt: SendAttempt, now: Date) throws {
        for scope in [ChallengeCounts.range(attempt.prefix), ChallengeCounts.network(attempt.ip)] {
            try db.run(
                "INSERT INTO challenge_counts (scope, hour, count) VALUES (?, ?, 1) ON CONFLICT (scope, hour) DO UPDATE SET count = count + 1",
                [scope, ChallengeCounts.hour(of: now)])
        }
    }
}
