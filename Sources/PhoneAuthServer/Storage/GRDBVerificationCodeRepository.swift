import Foundation
import GRDB

struct GRDBVerificationCodeRepository: VerificationCodeRepository {
    let database: AppDatabase

    func replace(phone: String, codeHash: Data, expiresAt: Date, now: Date) async throws -> Int64 {
        try await database.writer.write { db in
            try VerificationCode.filter(VerificationCode.Columns.phoneNumber == phone).deleteAll(db)
            var code = VerificationCode(id: nil, phoneNumber: phone, codeHash: codeHash, attempts: 0, expiresAt: expiresAt, createdAt: now)
            try code.insert(db)
            return code.id!
        }
    }

    func delete(id: Int64) async throws {
        _ = try await database.writer.write { db in try VerificationCode.deleteOne(db, key: id) }
    }

    func redeem(
        phone: String,
        matches: @Sendable (Data) -> Bool,
        maxAttempts: Int,
        failureLimit: FailureLimit?,
        newUser: NewUserDefaults,
        session: NewSession,
        now: Date
    ) async throws -> RedemptionOutcome {
        // One write transaction: SQLite serialises writers, so of many concurrent redemptions of one code exactly one
        // sees it alive.
        try await database.writer.write { db in
            if let failureLimit, let retryAfter = try Self.failureRetryAfter(db, phone: phone, limit: failureLimit, now: now) {
                return .rateLimited(retryAfter: retryAfter)
            }
            guard var code = try VerificationCode.filter(VerificationCode.Columns.phoneNumber == phone).fetchOne(db),
                code.expiresAt > now
            else { return .noLiveCode }
            guard code.attempts < maxAttempts else { return .locked }
            guard matches(code.codeHash) else {
                code.attempts += 1
                try code.update(db)
                try db.execute(sql: "INSERT INTO verify_failures (phone_number, created_at) VALUES (?, ?)", arguments: [phone, now])
                // The try that uses up the allowance already answers "locked": the code is dead from here on.
                return code.attempts >= maxAttempts ? .locked : .wrongCode(attemptsRemaining: maxAttempts - code.attempts)
            }
            try code.delete(db)
            let user = try activateUser(db, phone: phone, newUser: newUser, now: now)
            try UserSession(
                id: session.id, userID: user.id!, refreshTokenHash: session.refreshTokenHash, previousRefreshHash: nil, rotatedAt: nil,
                gracePayload: nil, createdAt: now, expiresAt: session.expiresAt, absoluteExpiresAt: session.absoluteExpiresAt,
                lastActivityAt: now, isActive: true, userAgent: session.userAgent, ip: session.ip, revokedAt: nil
            ).insert(db)
            return .success(user)
        }
    }

    /// nil while the phone is under its limit of wrong codes; otherwise seconds until the oldest counted one ages out.
    private static func failureRetryAfter(_ db: Database, phone: String, limit: FailureLimit, now: Date) throws -> Int? {
        try db.execute(sql: "DELETE FROM verify_failures WHERE created_at < ?", arguments: [now.addingTimeInterval(-2 * 86_400)])
        return try SlidingWindow.retryAfter(
            db, table: "verify_failures", filter: "phone_number = ?", arguments: [phone], max: limit.max, window: limit.window, now: now)
    }

    private func activateUser(_ db: Database, phone: String, newUser: NewUserDefaults, now: Date) throws -> User {
        var user =
            try User.filter(User.Columns.phoneNumber == phone).fetchOne(db)
            ?? User(
                id: nil, phoneNumber: phone, fullName: nil, profileImageURL: nil, isActive: true, isVerified: false,
                lastLogin: nil, market: newUser.market, language: newUser.language, country: newUser.country,
                createdAt: now, updatedAt: now, tokensValidAfter: nil
            )
        user.isActive = true
        user.isVerified = true
        user.lastLogin = now
        user.updatedAt = now
        try user.save(db)
        return user
    }
}
