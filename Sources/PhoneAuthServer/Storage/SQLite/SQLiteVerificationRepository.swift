import Foundation
import GRDB

/// Every SQL statement about `verifications` and `verify_failures`.
struct SQLiteVerificationRepository: VerificationRepository {
    let database: SQLiteDatabase

    func create(idHash: Data, phone: String, codeHash: Data, expiresAt: Date, now: Date) async throws -> StoredVerification {
        try await database.writer.write { db in
            try Verification.filter(Verification.Columns.phoneNumber == phone && Verification.Columns.expiresAt <= now).deleteAll(db)
            let earlier = try Verification
                .filter(Verification.Columns.phoneNumber == phone && Verification.Columns.codeHash == codeHash)
                .fetchAll(db)
            var verification = Verification(
                id: nil, idHash: idHash, phoneNumber: phone, codeHash: codeHash,
                idAttempts: earlier.map(\.idAttempts).max() ?? 0, phoneAttempts: earlier.map(\.phoneAttempts).max() ?? 0,
                expiresAt: expiresAt, createdAt: now)
            try verification.insert(db)
            return StoredVerification(id: verification.id!, phoneIsDisabled: try SQLiteUserRepository.isDisabled(db, phone: phone))
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
            try db.execute(
                sql: "DELETE FROM verify_failures WHERE created_at < ?", arguments: [now.addingTimeInterval(-StorageRetention.verifyFailures)])
            if let limit = limits.perNetwork,
                let retryAfter = try Self.failures(db, "network = ?", [guess.network], max: limit.max, window: limit.window, now: now)
            {
                return .networkRateLimited(retryAfter: retryAfter)
            }
            var verification: Verification?
            let phone: String
            switch guess.target {
            case .id(let hash):
                verification = try Verification
                    .filter(Verification.Columns.idHash == hash && Verification.Columns.expiresAt > now).fetchOne(db)
                guard let found = verification else {
                    try Self.recordFailure(db, phone: "", guess: guess, now: now)
                    return .rejected(attemptsRemaining: nil)
                }
                phone = found.phoneNumber
            case .phone(let number):
                phone = number
                verification = try Verification
                    .filter(Verification.Columns.phoneNumber == number && Verification.Columns.expiresAt > now)
                    .order(Verification.Columns.createdAt.desc, Verification.Columns.id.desc).fetchOne(db)
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
            let existing = try SQLiteUserRepository.fetch(db, phone: phone)
            let decision = SignInDecision.decide(existing: existing, defaults: guess.newUser(phone))
            guard case .signIn(let defaults) = decision else {
                if decision == .refuseDisabled { try code.delete(db) }
                return decision.refusal ?? .rejected(attemptsRemaining: nil)
            }
            try Verification.filter(Verification.Columns.phoneNumber == phone).deleteAll(db)
            let user = try SQLiteUserRepository.activate(db, existing: existing, phone: phone, defaults: defaults, now: now)
            try SQLiteSessionRepository.open(db, session, userID: user.id!, now: now)
            try SQLiteSendLogRepository.markVerified(db, phone: phone, now: now)
            return .success(user)
        }
    }

    /// nil while the phone is under its limits of wrong codes: the total across paths, and on the phone path its share.
    private static func phoneRetryAfter(_ db: Database, phone: String, target: VerificationTarget, limits: GuessLimits, now: Date) throws
        -> Int?
    {
        guard let limit = limits.perPhone else { return nil }
        if let total = try failures(db, "phone_number = ?", [phone], max: limit.max, window: limit.window, now: now) { return total }
        guard case .phone = target, let share = limits.perPhoneOnPhonePath else { return nil }
        return try failures(db, "phone_number = ? AND path = 'phone'", [phone], max: share, window: limit.window, now: now)
    }

    private static func failures(_ db: Database, _ filter: String, _ arguments: StatementArguments, max: Int, window: TimeInterval, now: Date)
        throws -> Int?
    {
        try SlidingWindow.fill(db, table: "verify_failures", filter: filter, arguments: arguments, max: max, window: window, now: now)
            .retryAfter(window: window, now: now)
    }

    private static func recordFailure(_ db: Database, phone: String, guess: Guess, now: Date) throws {
        try db.execute(
            sql: "INSERT INTO verify_failures (phone_number, path, network, created_at) VALUES (?, ?, ?, ?)",
            arguments: [phone, guess.target.path, guess.network, now])
    }
}
