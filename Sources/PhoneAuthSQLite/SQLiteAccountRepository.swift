import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteAccountRepository: AccountRepository {
    let database: SQLiteDatabase

    func erase(_ erasure: AccountErasure, now: Date) async throws -> ErasureOutcome {
        try await database.writer.write { db in
            guard let user = try SQLiteUserRows.fetch(db, id: erasure.userID) else { return .notFound }
            guard user.deletedAt == nil else { return .alreadyErased }
            let id = erasure.userID
            // A detached account's number is someone else's now: only its own rows go.
            let current = user.detachedAt == nil ? user.phoneNumber : nil
            let history = try SQLiteAccountRows.history(db, userID: id)
            try db.run(
                """
                UPDATE users SET phone_number = ?, full_name = NULL, profile_image_url = NULL, disabled_reason = NULL, is_active = 0,
                deleted_at = ?, tokens_valid_after = ?, updated_at = ? WHERE id = ?
                """, [erasure.tombstone, now, now, now, id])
            try db.run("DELETE FROM addresses WHERE user_id = ?", [id])
            try db.run("DELETE FROM user_sessions WHERE user_id = ?", [id])
            try SQLiteEventRows.append(db, .user(.userDeleted, id, at: now))
            if let current {
                try db.run("DELETE FROM verifications WHERE phone_number = ?", [current])
                try db.run("DELETE FROM idempotency_keys WHERE phone_number = ?", [current])
            }
            for window in AccountErasure.logWindows(current: current, history: history, lastSignIn: user.lastLogin) {
                try Self.digestLogs(db, window, erasure)
            }
            for number in Set(history.map(\.phoneNumber)) {
                try db.run("UPDATE phone_history SET phone_number = ? WHERE user_id = ? AND phone_number = ?", [erasure.digest(number), id, number])
            }
            try db.run("UPDATE phone_history SET until_at = ?, reason = 'deleted' WHERE user_id = ? AND until_at IS NULL", [now, id])
            if let current, let availableAt = erasure.availableAt(now) {
                try SQLiteAccountRows.release(db, digest: erasure.digest(current), userID: id, now: now, until: availableAt)
            }
            try db.run("UPDATE audit_log SET detail = NULL WHERE target = ?", [AuditEntry.user(id)])
            try db.run("UPDATE audit_log SET address = NULL WHERE operator_id = ?", [id])
            return .erased
        }
    }

    /// The rows of `window` keep digests of the number and of the networks the codes were asked and guessed from.
    private static func digestLogs(_ db: Database, _ window: AccountErasure.LogWindow, _ erasure: AccountErasure) throws {
        let (phone, bound) = (window.number, window.bound)
        let sendsIPs = "SELECT DISTINCT ip FROM sms_sends WHERE phone_number = ? AND created_at <= ?"
        for ip in try String.fetchAll(db, sql: sendsIPs, arguments: [phone, bound]) {
            try db.run("UPDATE sms_sends SET ip = ? WHERE phone_number = ? AND ip = ? AND created_at <= ?", [erasure.digest(ip), phone, ip, bound])
        }
        let failureNetworks = "SELECT DISTINCT network FROM verify_failures WHERE phone_number = ? AND created_at <= ?"
        for network in try String.fetchAll(db, sql: failureNetworks, arguments: [phone, bound]) {
            try db.run(
                "UPDATE verify_failures SET network = ? WHERE phone_number = ? AND network = ? AND created_at <= ?",
                [erasure.digest(network), phone, network, bound])
        }
        let digest = erasure.digest(phone)
        try db.run("UPDATE sms_sends SET phone_number = ? WHERE phone_number = ? AND created_at <= ?", [digest, phone, bound])
        try db.run("UPDATE verify_failures SET phone_number = ? WHERE phone_number = ? AND created_at <= ?", [digest, phone, bound])
        try db.run("UPDATE deliveries SET phone_number = ? WHERE phone_number = ? AND sent_at <= ?", [digest, phone, bound])
    }

    func detached(before cutoff: Date, limit: Int) async throws -> [Int64] {
        try await database.writer.read { db in
            try Int64.fetchAll(
                db, sql: "SELECT id FROM users WHERE detached_at < ? AND deleted_at IS NULL ORDER BY id LIMIT ?", arguments: [cutoff, limit])
        }
    }

    func changePhone(_ change: PhoneChange, guess: Guess, limits: GuessLimits, now: Date) async throws -> PhoneChangeOutcome {
        guard case .id(let hash) = guess.target else { return .rejected(attemptsRemaining: nil) }
        return try await database.writer.write { db in
            if let limit = limits.perNetwork,
                let wait = try SQLiteSignInRepository.failures(db, "network = ?", [guess.network], max: limit.max, window: limit.window, now: now)
            {
                return .networkRateLimited(retryAfter: wait)
            }
            // Only a code this session asked for, for a number change.
            let verification = try Verification.fetchOne(
                db.prepared("SELECT * FROM verifications WHERE id_hash = ? AND change_session = ? AND expires_at > ?"),
                arguments: [hash, change.sessionID, now])
            switch GuessVerdict.judge(verification, guess: guess, limits: limits) {
            case .refuse(let outcome):
                return PhoneChangeOutcome(outcome)
            case .wrong(let bump, let outcome):
                if bump, var code = verification {
                    code.idAttempts += 1
                    try code.update(db)
                }
                try SQLiteSignInRepository.recordFailure(db, phone: verification?.phoneNumber ?? "", guess: guess, now: now)
                return PhoneChangeOutcome(outcome)
            case .right:
                break
            }
            guard let code = verification, var user = try SQLiteUserRows.fetch(db, id: change.userID), user.deletedAt == nil else {
                return .rejected(attemptsRemaining: nil)
            }
            let phone = code.phoneNumber
            let holder = try Int64.fetchOne(db.prepared("SELECT id FROM users WHERE phone_number = ?"), arguments: [phone])
            let released = try Row.fetchOne(
                db.prepared("SELECT available_at, user_id FROM released_numbers WHERE phone_digest = ?"), arguments: [change.digest(phone)]
            ).map { (until: $0["available_at"] as Date, userID: $0["user_id"] as Int64) }
            let last = try SQLiteAccountRows.lastChange(db, userID: change.userID)
            let decision = PhoneChangeDecision.decide(
                userID: change.userID, holder: holder, released: released, lastChange: last, cooldown: change.cooldown, now: now)
            if let refusal = decision.refusal {
                if decision.burnsCode { try code.delete(db) }
                return refusal
            }
            let previous = user.phoneNumber
            try db.run("DELETE FROM verifications WHERE phone_number = ?", [phone])
            user.phoneNumber = phone
            user.updatedAt = now
            try user.update(db)
            try db.run("UPDATE phone_history SET until_at = ?, reason = 'changed' WHERE user_id = ? AND until_at IS NULL", [now, change.userID])
            try SQLiteAccountRows.attach(db, userID: change.userID, phone: phone, now: now)
            try db.run("DELETE FROM released_numbers WHERE phone_digest = ?", [change.digest(phone)])
            if change.quarantine > .zero {
                try SQLiteAccountRows.release(
                    db, digest: change.digest(previous), userID: change.userID, now: now, until: now.addingTimeInterval(change.quarantine.seconds))
            }
            if change.endOtherSessions { try SQLiteSessionRows.revokeAll(db, userID: change.userID, except: change.sessionID, now: now) }
            try SQLiteSendRows.markVerified(db, phone: phone, now: now)
            try SQLiteEventRows.append(db, AuthEvent(kind: .userPhoneChanged, userID: change.userID, market: user.market, at: now))
            return .changed(user, previous: previous)
        }
    }

    func reattach(userID: Int64, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try SQLiteUserRows.fetch(db, id: userID), user.detachedAt != nil, user.deletedAt == nil,
                let number = try String.fetchOne(
                    db.prepared("SELECT phone_number FROM phone_history WHERE user_id = ? AND reason = 'detached' ORDER BY id DESC LIMIT 1"),
                    arguments: [userID])
            else { return nil }
            if let holder = try SQLiteUserRows.fetch(db, phone: number), let id = holder.id { try SQLiteAccountRows.detach(db, userID: id, now: now) }
            user.phoneNumber = number
            user.detachedAt = nil
            // An operator vouched for the owner: dormancy runs afresh from now.
            user.lastLogin = now
            user.updatedAt = now
            try user.update(db)
            try SQLiteAccountRows.attach(db, userID: userID, phone: number, now: now)
            return user
        }
    }

    func lastPhoneChange(userID: Int64) async throws -> Date? {
        try await database.writer.read { db in try SQLiteAccountRows.lastChange(db, userID: userID) }
    }

    func numberHistory(userID: Int64) async throws -> [NumberHistoryEntry] {
        try await database.writer.read { db in try SQLiteAccountRows.history(db, userID: userID) }
    }

    func sends(phone: String) async throws -> [SendHistoryEntry] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT created_at, ip, verified_at FROM sms_sends WHERE phone_number = ? ORDER BY created_at, id", arguments: [phone]
            ).map { SendHistoryEntry(at: $0["created_at"], network: $0["ip"], verifiedAt: $0["verified_at"]) }
        }
    }

    func deliveries(phone: String) async throws -> [DeliveryRecord] {
        try await database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM deliveries WHERE phone_number = ? ORDER BY sent_at, id", arguments: [phone]).compactMap(
                SQLiteDeliveryRepository.record)
        }
    }
}
