import Foundation
import PhoneAuthCore
import PostgresNIO

struct PostgresAccountRepository: AccountRepository {
    let database: PostgresDatabase

    func erase(_ erasure: AccountErasure, now: Date) async throws -> ErasureOutcome {
        let id = erasure.userID
        return try await database.write(affecting: .user(id)) { sql in
            guard let user = try await PostgresUserRows.fetch(sql, id: id, forUpdate: true) else { return .notFound }
            guard user.deletedAt == nil else { return .alreadyErased }
            // A detached account's number is someone else's now: only its own rows go.
            let current = user.detachedAt == nil ? user.phoneNumber : nil
            let history = try await PostgresAccountRows.history(sql, userID: id)
            try await sql.execute(
                """
                UPDATE users SET phone_number = \(erasure.tombstone), full_name = NULL, profile_image_url = NULL, disabled_reason = NULL,
                is_active = FALSE, deleted_at = \(now), tokens_valid_after = \(now), updated_at = \(now) WHERE id = \(id)
                """)
            try await sql.execute("DELETE FROM addresses WHERE user_id = \(id)")
            try await sql.execute("DELETE FROM user_sessions WHERE user_id = \(id)")
            try await PostgresEventRows.append(sql, .user(.userDeleted, id, at: now))
            if let current {
                try await sql.execute("DELETE FROM verifications WHERE phone_number = \(current)")
                try await sql.execute("DELETE FROM idempotency_keys WHERE phone_number = \(current)")
            }
            for window in AccountErasure.logWindows(current: current, history: history, lastSignIn: user.lastLogin) {
                try await Self.digestLogs(sql, window, erasure)
            }
            for number in Set(history.map(\.phoneNumber)) {
                try await sql.execute(
                    "UPDATE phone_history SET phone_number = \(erasure.digest(number)) WHERE user_id = \(id) AND phone_number = \(number)")
            }
            try await sql.execute("UPDATE phone_history SET until_at = \(now), reason = 'deleted' WHERE user_id = \(id) AND until_at IS NULL")
            if let current, let availableAt = erasure.availableAt(now) {
                try await PostgresAccountRows.release(sql, digest: erasure.digest(current), userID: id, now: now, until: availableAt)
            }
            try await sql.execute("UPDATE audit_log SET detail = NULL WHERE target = \(AuditEntry.user(id))")
            try await sql.execute("UPDATE audit_log SET address = NULL WHERE operator_id = \(id)")
            return .erased
        }
    }

    /// The rows of `window` keep digests of the number and of the networks the codes were asked and guessed from.
    private static func digestLogs(_ sql: PostgresExecutor, _ window: AccountErasure.LogWindow, _ erasure: AccountErasure) async throws {
        let (phone, bound) = (window.number, window.bound)
        for row in try await sql.rows("SELECT DISTINCT ip FROM sms_sends WHERE phone_number = \(phone) AND created_at <= \(bound)") {
            let ip = try row["ip"].decode(String.self)
            try await sql.execute(
                "UPDATE sms_sends SET ip = \(erasure.digest(ip)) WHERE phone_number = \(phone) AND ip = \(ip) AND created_at <= \(bound)")
        }
        for row in try await sql.rows("SELECT DISTINCT network FROM verify_failures WHERE phone_number = \(phone) AND created_at <= \(bound)") {
            let network = try row["network"].decode(String.self)
            try await sql.execute(
                """
                UPDATE verify_failures SET network = \(erasure.digest(network))
                WHERE phone_number = \(phone) AND network = \(network) AND created_at <= \(bound)
                """)
        }
        let digest = erasure.digest(phone)
        try await sql.execute("UPDATE sms_sends SET phone_number = \(digest) WHERE phone_number = \(phone) AND created_at <= \(bound)")
        try await sql.execute("UPDATE verify_failures SET phone_number = \(digest) WHERE phone_number = \(phone) AND created_at <= \(bound)")
        try await sql.execute("UPDATE deliveries SET phone_number = \(digest) WHERE phone_number = \(phone) AND sent_at <= \(bound)")
    }

    func detached(before cutoff: Date, limit: Int) async throws -> [Int64] {
        try await database.read { sql in
            try await sql.rows("SELECT id FROM users WHERE detached_at < \(cutoff) AND deleted_at IS NULL ORDER BY id LIMIT \(limit)").map {
                try $0["id"].decode(Int64.self)
            }
        }
    }

    func changePhone(_ change: PhoneChange, guess: Guess, limits: GuessLimits, now: Date) async throws -> PhoneChangeOutcome {
        guard case .id(let hash) = guess.target else { return .rejected(attemptsRemaining: nil) }
        return try await database.write(affecting: .user(change.userID)) { sql in
            // The locks sign-in takes, in its order (network, then the new number), so a change and a sign-in of the
            // same number never both win.
            try await sql.lock("verify-network:\(guess.network)")
            if let limit = limits.perNetwork,
                let wait = try await PostgresSignInRepository.failures(
                    sql, network: guess.network, phone: nil, path: nil, limit: limit.max, window: limit.window, now: now)
            {
                return .networkRateLimited(retryAfter: wait)
            }
            // Only a code this session asked for, for a number change.
            let found = try await sql.row(
                """
                SELECT phone_number, pg_advisory_xact_lock(hashtextextended('verify-phone:' || phone_number, 0)) AS locked
                FROM verifications WHERE id_hash = \(hash.bytea) AND change_session = \(change.sessionID) AND expires_at > \(now)
                """)
            var verification: Verification?
            if found != nil {
                verification = try await sql.row("SELECT * FROM verifications WHERE id_hash = \(hash.bytea) FOR UPDATE").map(Verification.init(row:))
            }
            switch GuessVerdict.judge(verification, guess: guess, limits: limits) {
            case .refuse(let outcome):
                return PhoneChangeOutcome(outcome)
            case .wrong(let bump, let outcome):
                if bump, let id = verification?.id {
                    try await sql.execute("UPDATE verifications SET id_attempts = id_attempts + 1 WHERE id = \(id)")
                }
                try await PostgresSignInRepository.recordFailure(sql, phone: verification?.phoneNumber ?? "", guess: guess, now: now)
                return PhoneChangeOutcome(outcome)
            case .right:
                break
            }
            guard let code = verification, let user = try await PostgresUserRows.fetch(sql, id: change.userID, forUpdate: true),
                user.deletedAt == nil
            else { return .rejected(attemptsRemaining: nil) }
            let phone = code.phoneNumber
            let holder = try await sql.row("SELECT id FROM users WHERE phone_number = \(phone)")?["id"].decode(Int64.self)
            let released = try await sql.row(
                "SELECT available_at, user_id FROM released_numbers WHERE phone_digest = \(change.digest(phone))"
            ).map { (until: try $0["available_at"].decode(Date.self), userID: try $0["user_id"].decode(Int64.self)) }
            let last = try await PostgresAccountRows.lastChange(sql, userID: change.userID)
            let decision = PhoneChangeDecision.decide(
                userID: change.userID, holder: holder, released: released, lastChange: last, cooldown: change.cooldown, now: now)
            if let refusal = decision.refusal {
                if decision.burnsCode { try await sql.execute("DELETE FROM verifications WHERE id = \(code.id)") }
                return refusal
            }
            let previous = user.phoneNumber
            try await sql.execute("DELETE FROM verifications WHERE phone_number = \(phone)")
            guard let row = try await sql.row("UPDATE users SET phone_number = \(phone), updated_at = \(now) WHERE id = \(change.userID) RETURNING *")
            else { return .rejected(attemptsRemaining: nil) }
            try await sql.execute(
                "UPDATE phone_history SET until_at = \(now), reason = 'changed' WHERE user_id = \(change.userID) AND until_at IS NULL")
            try await PostgresAccountRows.attach(sql, userID: change.userID, phone: phone, now: now)
            try await sql.execute("DELETE FROM released_numbers WHERE phone_digest = \(change.digest(phone))")
            if change.quarantine > .zero {
                try await PostgresAccountRows.release(
                    sql, digest: change.digest(previous), userID: change.userID, now: now, until: now.addingTimeInterval(change.quarantine.seconds))
            }
            if change.endOtherSessions {
                _ = try await PostgresSessionRows.revokeAll(sql, userID: change.userID, except: change.sessionID, now: now)
            }
            try await PostgresSendRows.markVerified(sql, phone: phone, now: now)
            let changed = try User(row: row)
            try await PostgresEventRows.append(sql, AuthEvent(kind: .userPhoneChanged, userID: change.userID, market: changed.market, at: now))
            return .changed(changed, previous: previous)
        }
    }

    func reattach(userID: Int64, now: Date) async throws -> User? {
        try await database.write(affecting: .everyone) { sql in
            guard let user = try await PostgresUserRows.fetch(sql, id: userID, forUpdate: true), user.detachedAt != nil, user.deletedAt == nil,
                let number = try await sql.row(
                    "SELECT phone_number FROM phone_history WHERE user_id = \(userID) AND reason = 'detached' ORDER BY id DESC LIMIT 1"
                )?["phone_number"].decode(String.self)
            else { return nil }
            if let holder = try await PostgresUserRows.fetch(sql, phone: number, forUpdate: true), let id = holder.id {
                try await PostgresAccountRows.detach(sql, userID: id, now: now)
            }
            // An operator vouched for the owner: dormancy runs afresh from now.
            guard
                let row = try await sql.row(
                    """
                    UPDATE users SET phone_number = \(number), detached_at = NULL, last_login = \(now), updated_at = \(now)
                    WHERE id = \(userID) RETURNING *
                    """)
            else { return nil }
            try await PostgresAccountRows.attach(sql, userID: userID, phone: number, now: now)
            return try User(row: row)
        }
    }

    func lastPhoneChange(userID: Int64) async throws -> Date? {
        try await database.read { sql in try await PostgresAccountRows.lastChange(sql, userID: userID) }
    }

    func numberHistory(userID: Int64) async throws -> [NumberHistoryEntry] {
        try await database.read { sql in try await PostgresAccountRows.history(sql, userID: userID) }
    }

    func sends(phone: String) async throws -> [SendHistoryEntry] {
        try await database.read { sql in
            try await sql.rows("SELECT created_at, ip, verified_at FROM sms_sends WHERE phone_number = \(phone) ORDER BY created_at, id").map {
                SendHistoryEntry(
                    at: try $0["created_at"].decode(Date.self), network: try $0["ip"].decode(String.self),
                    verifiedAt: try $0["verified_at"].decode(Date?.self))
            }
        }
    }

    func deliveries(phone: String) async throws -> [DeliveryRecord] {
        try await database.read { sql in
            try await sql.rows("SELECT * FROM deliveries WHERE phone_number = \(phone) ORDER BY sent_at, id").compactMap(
                PostgresDeliveryRepository.record)
        }
    }
}
