import Foundation
import PhoneAuthCore
import PostgresNIO

/// Signing in on PostgreSQL: sends, codes and their redemption. Admitting a send locks its phone, network and range
/// (advisory locks), so sends that share none of them run side by side; the global budgets and the server-wide
/// allowance span every send, so an admission that rests on them claims the send in its pool's budget rows with one
/// conditional write (`PostgresBudgetRows.claim`, checked again on the row a concurrent claim commits) and then reads
/// the standing again: no limit can be overshot by instances counting at the same time, and no lock spans the fleet.
/// A redemption holds
/// advisory locks on the client's network and on the phone, so every count it checks and every counter it bumps are one
/// unit against all instances; the verification row itself is locked with FOR UPDATE.
struct PostgresSignInRepository: SignInRepository {
    let database: PostgresDatabase

    func create(idHash: Data, phone: String, codeHash: Data, expiresAt: Date, changeSession: String?, now: Date) async throws -> StoredVerification {
        try await database.write(affecting: .nobody) { sql in
            try await sql.lock("verify-phone:\(phone)")
            // One statement: the phone's expired codes go, a live one with the same code (a test number's fixed code)
            // hands its tries on, and whether the phone is banned and its user's language come back.
            let row = try await sql.row(
                """
                WITH expired AS (DELETE FROM verifications WHERE phone_number = \(phone) AND expires_at <= \(now))
                INSERT INTO verifications (id_hash, phone_number, code_hash, id_attempts, phone_attempts, expires_at, created_at, change_session)
                SELECT \(idHash.bytea), \(phone), \(codeHash.bytea), COALESCE(MAX(id_attempts), 0), COALESCE(MAX(phone_attempts), 0),
                \(expiresAt), \(now), \(changeSession) FROM verifications
                WHERE phone_number = \(phone) AND code_hash = \(codeHash.bytea) AND expires_at > \(now)
                RETURNING id, EXISTS (SELECT 1 FROM users WHERE phone_number = \(phone) AND disabled_at IS NOT NULL) AS disabled,
                (SELECT language FROM users WHERE phone_number = \(phone)) AS language,
                (SELECT COALESCE(last_login, created_at) FROM users WHERE phone_number = \(phone) AND is_verified) AS last_sign_in
                """)
            guard let row else { throw AppError.internalError }
            return StoredVerification(
                id: try row["id"].decode(Int64.self), phoneIsDisabled: try row["disabled"].decode(Bool.self),
                userLanguage: try row["language"].decode(String?.self), accountLastSignIn: try row["last_sign_in"].decode(Date?.self))
        }
    }

    func mark(id: Int64, _ marks: NetworkMarks) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute("UPDATE verifications SET sim_swap = \(marks.simSwap?.rawValue), recycled = \(marks.recycled) WHERE id = \(id)")
        }
    }

    func startFlow(_ flow: NetworkFlow, maxLivePerPhone: Int, now: Date) async throws -> Bool {
        try await database.write(affecting: .nobody) { sql in
            try await sql.lock("verify-phone:\(flow.phoneNumber)")
            try await sql.execute("DELETE FROM network_flows WHERE phone_number = \(flow.phoneNumber) AND expires_at <= \(now)")
            let live = try await sql.row("SELECT COUNT(*) AS live FROM network_flows WHERE phone_number = \(flow.phoneNumber)")?["live"]
                .decode(Int.self)
            guard (live ?? 0) < maxLivePerPhone else { return false }
            try await sql.execute(
                """
                INSERT INTO network_flows (id_hash, phone_number, state, client_challenge, expires_at, created_at)
                VALUES (\(flow.idHash.bytea), \(flow.phoneNumber), \(flow.state), \(flow.clientChallenge), \(flow.expiresAt), \(flow.createdAt))
                """)
            return true
        }
    }

    func takeFlow(idHash: Data, network: String, limit: FailureLimit?, now: Date) async throws -> FlowTake {
        try await database.write(affecting: .nobody) { sql in
            // The lock verify-code takes for the network, so the count and this try are one unit against every instance.
            try await sql.lock("verify-network:\(network)")
            if let limit,
                let wait = try await Self.failures(sql, network: network, phone: nil, path: nil, limit: limit.max, window: limit.window, now: now)
            {
                return .networkRateLimited(retryAfter: wait)
            }
            guard
                let row = try await sql.row(
                    """
                    DELETE FROM network_flows WHERE id_hash = \(idHash.bytea) AND expires_at > \(now)
                    RETURNING *, (SELECT COALESCE(last_login, users.created_at) FROM users
                                  WHERE users.phone_number = network_flows.phone_number AND is_verified) AS last_sign_in
                    """)
            else { return .none }
            let flow = NetworkFlow(
                idHash: try row["id_hash"].decode(ByteBuffer.self).data, phoneNumber: try row["phone_number"].decode(String.self),
                state: try row["state"].decode(String.self), clientChallenge: try row["client_challenge"].decode(String.self),
                expiresAt: try row["expires_at"].decode(Date.self), createdAt: try row["created_at"].decode(Date.self))
            return .flow(flow, accountLastSignIn: try row["last_sign_in"].decode(Date?.self))
        }
    }

    func recordFlowFailure(network: String, now: Date) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute(
                "INSERT INTO verify_failures (phone_number, path, network, created_at) VALUES ('', 'network', \(network), \(now))")
        }
    }

    func signInProven(phone: String, marks: NetworkMarks, guess: Guess, session: NewSession, now: Date) async throws -> RedemptionOutcome {
        try await database.writeReporting {
            try await $0.lock("verify-phone:\(phone)")
            let outcome = try await Self.signIn($0, phone: phone, marks: marks, codeID: nil, guess: guess, session: session, now: now)
            return (outcome, Self.changed(by: outcome))
        }
    }

    func delete(id: Int64) async throws {
        try await database.write(affecting: .nobody) { sql in try await sql.execute("DELETE FROM verifications WHERE id = \(id)") }
    }

    func latestIssue(phone: String) async throws -> Date? {
        try await database.read { sql in
            try await sql.row("SELECT MAX(created_at) AS latest FROM verifications WHERE phone_number = \(phone)")?["latest"].decode(Date?.self)
        }
    }

    func redeem(_ guess: Guess, limits: GuessLimits, session: NewSession, now: Date) async throws -> RedemptionOutcome {
        // Only a sign-in changes a caller's state (its own user's row and sessions); a wrong guess changes nobody's.
        try await database.writeReporting {
            let outcome = try await Self.redeem(guess, limits: limits, session: session, now: now, on: $0)
            return (outcome, Self.changed(by: outcome))
        }
    }

    /// Whose cached state a redemption changed: only a sign-in changes a caller's state (its own user's row and
    /// sessions), and a detached account's sessions ended too, so then every cache forgets.
    static func changed(by outcome: RedemptionOutcome) -> CallerChange {
        guard case .success(let user, let detached, _) = outcome, let id = user.id else { return .nobody }
        return detached ? .everyone : .user(id)
    }

    private static func redeem(
        _ guess: Guess, limits: GuessLimits, session: NewSession, now: Date, on sql: PostgresExecutor
    )
        async throws -> RedemptionOutcome
    {
        // Always in this order (network, then phone), so two redemptions never wait on each other's locks.
        try await sql.lock("verify-network:\(guess.network)")
        if let limit = limits.perNetwork,
            let retryAfter = try await Self.failures(
                sql, network: guess.network, phone: nil, path: nil, limit: limit.max, window: limit.window, now: now)
        {
            return .networkRateLimited(retryAfter: retryAfter)
        }
        let phone: String
        switch guess.target {
        case .id(let hash):
            // The phone the code went to, and then that phone's lock, in one statement (what is read later is read
            // by later statements, after the lock).
            guard
                let row = try await sql.row(
                    """
                    SELECT phone_number, pg_advisory_xact_lock(hashtextextended('verify-phone:' || phone_number, 0)) AS locked
                    FROM verifications WHERE id_hash = \(hash.bytea) AND change_session IS NULL AND expires_at > \(now)
                    """)
            else {
                try await Self.recordFailure(sql, phone: "", guess: guess, now: now)
                return .rejected(attemptsRemaining: nil)
            }
            phone = try row["phone_number"].decode(String.self)
        case .phone(let number):
            phone = number
            try await sql.lock("verify-phone:\(phone)")
        }
        if let retryAfter = try await Self.phoneRetryAfter(sql, phone: phone, target: guess.target, limits: limits, now: now) {
            return .phoneRateLimited(retryAfter: retryAfter)
        }
        let candidate: PostgresRandomAccessRow? =
            switch guess.target {
            case .id(let hash):
                try await sql.row(
                    "SELECT * FROM verifications WHERE id_hash = \(hash.bytea) AND change_session IS NULL AND expires_at > \(now) FOR UPDATE")
            case .phone:
                try await sql.row(
                    """
                    SELECT * FROM verifications WHERE phone_number = \(phone) AND change_session IS NULL AND expires_at > \(now)
                    ORDER BY created_at DESC, id DESC LIMIT 1 FOR UPDATE
                    """)
            }
        let verification = try candidate.map(Verification.init(row:))
        switch GuessVerdict.judge(verification, guess: guess, limits: limits) {
        case .refuse(let outcome):
            return outcome
        case .wrong(let bump, let outcome):
            if bump, let id = verification?.id {
                if case .id = guess.target {
                    try await sql.execute("UPDATE verifications SET id_attempts = id_attempts + 1 WHERE id = \(id)")
                } else {
                    try await sql.execute("UPDATE verifications SET phone_attempts = phone_attempts + 1 WHERE id = \(id)")
                }
            }
            try await Self.recordFailure(sql, phone: phone, guess: guess, now: now)
            return outcome
        case .right:
            break
        }
        guard let code = verification else { return .rejected(attemptsRemaining: nil) }
        return try await signIn(sql, phone: phone, marks: code.marks, codeID: code.id, guess: guess, session: session, now: now)
    }

    /// What a proven number does (the right code `codeID`, or the operator network's word with none), in the caller's
    /// transaction holding the phone's lock: a dormant holder is detached, then `SignInDecision` refuses or signs in.
    static func signIn(
        _ sql: PostgresExecutor, phone: String, marks: NetworkMarks, codeID: Int64?, guess: Guess, session: NewSession, now: Date
    ) async throws -> RedemptionOutcome {
        var existing = try await PostgresUserRows.fetch(sql, phone: phone, forUpdate: true)
        // A dormant account's number may have a new owner: the code makes a fresh account, the old one is kept (only
        // when a sign-in can follow: a market no longer served detaches nothing).
        var detached = false
        if let holder = existing, guess.newUser(phone) != nil,
            try await PostgresAccountRows.isDormant(sql, holder, guess: guess, recycled: marks.recycled)
        {
            try await PostgresAccountRows.detach(sql, userID: holder.id!, now: now)
            (existing, detached) = (nil, true)
        }
        let released = existing == nil ? try await PostgresAccountRows.releasedUntil(sql, digest: guess.digest(phone), now: now) : nil
        let decision = SignInDecision.decide(
            existing: existing, defaults: guess.newUser(phone), releasedUntil: released, simSwap: marks.simSwap, now: now)
        guard case .signIn(let defaults) = decision else {
            if decision.burnsCode, let codeID { try await sql.execute("DELETE FROM verifications WHERE id = \(codeID)") }
            return decision.refusal ?? .rejected(attemptsRemaining: nil)
        }
        try await sql.execute("DELETE FROM verifications WHERE phone_number = \(phone)")
        let user = try await PostgresUserRows.activate(sql, phone: phone, defaults: defaults, now: now)
        if existing?.isVerified != true { try await PostgresAccountRows.attach(sql, userID: user.id!, phone: phone, now: now) }
        try await PostgresSessionRows.open(sql, session, userID: user.id!, now: now)
        try await PostgresSendRows.markVerified(sql, phone: phone, now: now)
        // Last: the log's lock is held from here to the commit only.
        for event in AuthEvent.signedIn(user, sessionID: session.id, created: existing?.isVerified != true, at: now) {
            try await PostgresEventRows.append(sql, event)
        }
        return .success(user, detached: detached, simSwapNotice: SignInDecision.notifiesSimSwap(existing: existing, simSwap: marks.simSwap))
    }

    private static func phoneRetryAfter(
        _ sql: PostgresExecutor, phone: String, target: VerificationTarget, limits: GuessLimits, now: Date
    )
        async throws -> Int?
    {
        guard let limit = limits.perPhone else { return nil }
        if let total = try await failures(sql, network: nil, phone: phone, path: nil, limit: limit.max, window: limit.window, now: now) {
            return total
        }
        guard case .phone = target, let share = limits.perPhoneOnPhonePath else { return nil }
        return try await failures(sql, network: nil, phone: phone, path: "phone", limit: share, window: limit.window, now: now)
    }

    /// nil while fewer than `limit` wrong guesses match since `now - window`; otherwise the seconds until enough of the
    /// oldest have aged out for one more to pass. By `network`, or by `phone` (on the phone path only when `path`).
    static func failures(
        _ sql: PostgresExecutor, network: String?, phone: String?, path: String?, limit: Int, window: TimeInterval, now: Date
    ) async throws -> Int? {
        let counted =
            if let network {
                PostgresSlidingWindow.Window(table: "verify_failures", column: "network", value: network, max: limit, window: window)
            } else {
                PostgresSlidingWindow.Window(
                    table: "verify_failures", column: "phone_number", value: phone ?? "", condition: path == "phone" ? "AND path = 'phone'" : "",
                    max: limit, window: window)
            }
        return try await PostgresSlidingWindow.fill(sql, [counted], now: now)[0].retryAfter(window: window, now: now)
    }

    static func recordFailure(_ sql: PostgresExecutor, phone: String, guess: Guess, now: Date) async throws {
        try await sql.execute(
            """
            INSERT INTO verify_failures (phone_number, path, network, created_at)
            VALUES (\(phone), \(guess.target.path), \(guess.network), \(now))
            """)
    }

    // MARK: Admitting a send

    func admit(_ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, now: Date) async throws -> SendAdmission {
        let decision = SendAdmissionDecision(attempt: attempt, rules: rules, screening: screening, now: now)
        let budgets = rules.indices.filter { rules[$0].scope == .global }
        return try await database.write(affecting: .nobody) { sql in
            // What only this attempt's phone, network and range share, always locked in this order: sends that share
            // none of them never wait for each other. (Old rows go in housekeeping, not here.)
            try await sql.lock("send-phone:\(attempt.phone)", "send-network:\(attempt.ip)", "send-range:\(attempt.prefix)")
            let (knownGood, block) = try await PostgresRangeRows.knownGoodAndBlock(sql, phone: attempt.phone, prefix: attempt.prefix, now: now)
            var facts = SendAdmissionDecision.Facts(knownGood: knownGood, block: block)
            var rings: [Int: BudgetRing]?
            var claimed: [BudgetRing.Claim] = []
            while true {
                switch decision.next(facts) {
                case .read(.window):
                    // The budgets from their rings, every other window whose limit is known in one statement.
                    let reads = decision.windowReads(facts)
                    let (budgetReads, counted) = (reads.filter { budgets.contains($0.rule) }, reads.filter { !budgets.contains($0.rule) })
                    if !budgetReads.isEmpty {
                        if rings == nil {
                            rings = try await PostgresBudgetRows.rings(
                                sql, pool: .sends(knownGood: knownGood), windows: budgets.map { Int(rules[$0].window) })
                        }
                        let pool = rings ?? [:]
                        for read in budgetReads {
                            let window = rules[read.rule].window
                            facts.windows[read.rule] = (pool[Int(window)] ?? BudgetRing()).fill(max: read.limit, window: window, now: now)
                        }
                    }
                    let windows = counted.map { Self.window(rules[$0.rule], limit: $0.limit, attempt: attempt) }
                    for (read, fill) in zip(counted, try await PostgresSlidingWindow.fill(sql, windows, now: now)) {
                        facts.windows[read.rule] = fill
                    }
                case .read(.verifiedPhones(let window)):
                    facts.verifiedPhones[window] = try await Self.verifiedPhones(sql, ip: attempt.ip, since: now.addingTimeInterval(-window))
                case .read(.standing):
                    facts.standing = try await PostgresRangeRows.standing(sql, prefix: attempt.prefix, now: now)
                case .read(.networkChallenges):
                    facts.networkChallenges = try await PostgresRangeRows.challenges(sql, scope: ChallengeCounts.network(attempt.ip), now: now)
                case .apply(let admission) where claimed.isEmpty && decision.needsBudgetClaim(admission, facts):
                    // The first write: one send claimed in each budget of the pool, while it has room. Sends of the pool
                    // meet only here, from this statement to the commit.
                    let claims = decision.claims(facts)
                    let won = try await PostgresBudgetRows.claim(sql, pool: .sends(knownGood: knownGood), claims)
                    guard won.count == claims.count else {
                        // A budget filled since it was read: give back what was claimed and decide on the rings as they are.
                        try await PostgresBudgetRows.unclaim(sql, pool: .sends(knownGood: knownGood), claims.filter { won.contains($0.window) })
                        rings = nil
                        facts.windows = facts.windows.filter { !budgets.contains($0.key) }
                        continue
                    }
                    claimed = claims
                    facts = facts.afterClaim(of: rules)
                case .apply(let admission):
                    if !claimed.isEmpty, !admission.isAdmitted {
                        // Decided again on the standing read after the claim: not sent after all.
                        try await PostgresBudgetRows.unclaim(sql, pool: .sends(knownGood: knownGood), claimed)
                    }
                    try await Self.apply(sql, admission, attempt, now: now)
                    return admission
                }
            }
        }
    }

    private static func apply(_ sql: PostgresExecutor, _ admission: SendAdmission, _ attempt: SendAttempt, now: Date) async throws {
        switch admission {
        case .admitted(let knownGood):
            // Recorded, counted for its range and, for a number not known to be good, unverified for now in its
            // minute (`UnverifiedCounts`; the minute PostgreSQL computes from the stored time, as a sign-in does when it
            // takes the send off again). Its budgets were claimed before.
            try await sql.execute(
                """
                WITH sent AS (
                    INSERT INTO sms_sends (phone_number, ip, prefix, created_at, known_good)
                    VALUES (\(attempt.phone), \(attempt.ip), \(attempt.prefix), \(now), \(knownGood)) RETURNING created_at, known_good),
                counted AS (
                    INSERT INTO unverified_counts (minute, shard, count)
                    SELECT floor(extract(epoch FROM created_at) / 60)::bigint, \(UnverifiedCounts.shard(of: attempt.phone)), 1 FROM sent
                    WHERE NOT known_good
                    ON CONFLICT (minute, shard) DO UPDATE SET count = unverified_counts.count + 1)
                INSERT INTO range_stats (prefix, sent, verified) VALUES (\(attempt.prefix), 1, 0)
                ON CONFLICT (prefix) DO UPDATE SET sent = range_stats.sent + 1
                """)
        case .challenged:
            try await countChallenge(sql, attempt, now: now)
        case .hardened(let block, _):
            try await PostgresRangeRows.save(sql, block)
            try await countChallenge(sql, attempt, now: now)
        case .refused, .blocked:
            break
        }
    }

    /// The sends of the attempt's scope in the rule's window, counted up to `limit` (the budgets are rings: `BudgetRing`).
    private static func window(_ rule: WindowRule, limit: Int, attempt: SendAttempt) -> PostgresSlidingWindow.Window {
        let (column, value): (String, any PostgresNonThrowingEncodable & Sendable) =
            switch rule.scope {
            case .phone: ("phone_number", attempt.phone)
            case .ip: ("ip", attempt.ip)
            case .prefix, .global: ("prefix", attempt.prefix)
            }
        return PostgresSlidingWindow.Window(table: "sms_sends", column: column, value: value, max: limit, window: rule.window)
    }

    private static func verifiedPhones(_ sql: PostgresExecutor, ip: String, since: Date) async throws -> Int {
        try await sql.row(
            """
            SELECT COUNT(DISTINCT phone_number) AS n FROM sms_sends WHERE ip = \(ip) AND verified_at IS NOT NULL AND created_at > \(since)
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
}
