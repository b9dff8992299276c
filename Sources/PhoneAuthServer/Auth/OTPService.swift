import Foundation
import Logging

/// Issues one-time codes and redeems them. Codes are stored hashed, replaced by a newer send, burnt on first use,
/// and die after `maxAttempts` wrong tries. Sends pass the abuse limits first; test numbers skip SMS and limits.
struct OTPService: Sendable {
    let codes: any VerificationCodeRepository
    let sendLog: any SendLogRepository
    let limits: SendLimits
    let testNumbers: TestNumberBook
    let hasher: CodeHasher
    let sms: any SMSGateway
    let texts: SMSTextCatalog
    let random: any RandomSource
    let lifetime: Duration
    let maxAttempts: Int
    let now: WallClock

    /// Stores a fresh code and sends it. If sending fails the code is removed, so no usable code is left behind; the
    /// attempt still counts toward the limits.
    func send(to phone: PhoneNumber, market: Market, clientIP: String, logger: Logger) async throws {
        let issuedAt = now()
        if let fixed = testNumbers.code(for: phone, at: issuedAt) {
            _ = try await codes.replace(
                phone: phone.e164, codeHash: hasher.hash(phone: phone, code: fixed),
                expiresAt: issuedAt.addingTimeInterval(lifetime.seconds), now: issuedAt)
            logger.info("test number: code stored, no sms", metadata: ["phone": "\(phone.masked)"])
            return
        }
        guard !limits.deniedPrefixes.contains(where: { phone.e164.hasPrefix($0) }) else { throw AppError.phoneNotAllowed }
        let attempt = SendAttempt(phone: phone.e164, ip: clientIP, prefix: String(phone.e164.prefix(1 + market.callingCode.count + 3)))
        if let refusal = try await sendLog.admit(attempt, rules: limits.sendRules, now: issuedAt) {
            if refusal.rule.refusal.kind == .smsBudgetExhausted {
                logger.warning("sms budget exhausted: every send is refused", metadata: ["retry_after": "\(refusal.retryAfter)"])
            }
            throw refusal.rule.refusal.retrying(after: refusal.retryAfter)
        }
        let code = random.numericCode(digits: 6)
        let id = try await codes.replace(
            phone: phone.e164, codeHash: hasher.hash(phone: phone, code: code),
            expiresAt: issuedAt.addingTimeInterval(lifetime.seconds), now: issuedAt
        )
        let message = SMSMessage(to: phone, body: texts.text(code: code, language: market.defaultLanguage, otpDomain: market.otpDomain), code: code)
        do {
            try await sms.send(message, logger: logger)
        } catch {
            // No usable code is left behind; the caller is told why (bad number, refused region, or unavailable).
            try await codes.delete(id: id)
            logger.warning("sms send failed", metadata: ["phone": "\(phone.masked)", "error": "\(error)"])
            throw error as? AppError ?? AppError.smsUnavailable
        }
        logger.info("code sent", metadata: ["phone": "\(phone.masked)", "market": "\(market.code)"])
    }

    /// Checks a code in one transaction with the user's activation and the opening of `session`.
    func redeem(phone: PhoneNumber, code: String, market: Market, session: NewSession) async throws -> User {
        let hasher = self.hasher
        let outcome = try await codes.redeem(
            phone: phone.e164,
            matches: { stored in hasher.matches(stored, phone: phone, code: code) },
            maxAttempts: maxAttempts,
            failureLimit: testNumbers.code(for: phone, at: now()) == nil ? limits.verifyFailureLimit : nil,
            newUser: NewUserDefaults(market: market.code, language: market.defaultLanguage, country: market.country),
            session: session,
            now: now()
        )
        switch outcome {
        case .success(let user): return user
        case .noLiveCode: throw AppError.invalidCode(attemptsRemaining: nil)
        case .wrongCode(let remaining): throw AppError.invalidCode(attemptsRemaining: remaining)
        case .locked: throw AppError.tooManyAttempts
        case .rateLimited(let retryAfter): throw AppError.verifyRateLimited.retrying(after: retryAfter)
        }
    }
}
