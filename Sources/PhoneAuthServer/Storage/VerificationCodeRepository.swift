import Foundation

/// The outcome of presenting a code. Failures are values, not errors, so the attempt counter they bump is committed.
enum RedemptionOutcome: Sendable, Equatable {
    case success(User)
    /// No live code for this phone (never sent, expired, or already used).
    case noLiveCode
    case wrongCode(attemptsRemaining: Int)
    case locked
    /// Too many wrong codes for this phone lately, across codes.
    case rateLimited(retryAfter: Int)
}

/// At most `max` wrong codes per phone per `window`, whichever code they were aimed at.
struct FailureLimit: Sendable, Equatable {
    var max: Int
    var window: TimeInterval
}

/// What a new user gets when a code creates them.
struct NewUserDefaults: Sendable, Equatable {
    var market: String
    var language: String
    var country: String
}

protocol VerificationCodeRepository: Sendable {
    /// Stores a code for the phone, replacing any earlier one; returns its id.
    func replace(phone: String, codeHash: Data, expiresAt: Date, now: Date) async throws -> Int64
    /// Removes one code (and only that one: a newer code for the phone stays).
    func delete(id: Int64) async throws
    /// In one transaction: checks the code, counts a wrong try, and on success burns the code, creates or activates
    /// the user and opens the session.
    func redeem(
        phone: String,
        matches: @Sendable (Data) -> Bool,
        maxAttempts: Int,
        failureLimit: FailureLimit?,
        newUser: NewUserDefaults,
        session: NewSession,
        now: Date
    ) async throws -> RedemptionOutcome
}
