import Crypto
import Foundation
import Logging

/// Issues one-time codes and redeems them. Each send is a verification of its own, named by an unguessable id the
/// client keeps; codes and ids are stored hashed, burnt on first use, and die after `maxAttempts` wrong tries per path.
/// Sends pass the abuse limits first; test numbers text nothing and pass only the cooldown.
struct OTPService: Sendable {
    let signIn: any SignInRepository
    let limits: SendLimits
    let testNumbers: TestNumberBook
    let hasher: CodeHasher
    let sms: any SMSGateway
    let texts: SMSTextCatalog
    let random: any RandomSource
    let lifetime: Duration
    let maxAttempts: Int
    let timing: SendTimingMask
    let metrics: ServerMetrics
    let fraud: FraudSettings
    let proofOfWork: ProofOfWork
    let challenges: any ChallengeRepository
    /// The console's counters of sends, sign-ins, challenges and refusals.
    let activity: ActivityRecorder
    let now: WallClock

    /// A challenge a client solved, sent back with its send-code.
    struct ChallengeAnswer: Sendable, Equatable {
        var token: String
        var solution: String
    }

    /// Bytes of randomness in a verification id: 144 bits, 24 characters of base64url after a `v` (so an id never
    /// starts with `-` and reads as an option on a command line).
    static let verificationIDBytes = 18

    /// Stores a fresh code, sends it and returns the verification id. If sending fails the code is removed, so no usable
    /// code is left behind; the attempt still counts toward the limits. A disabled user's phone gets the same answer,
    /// after about as long, and no SMS. Under suspicion the answer is a challenge (428) instead; `answer` is one solved.
    func send(
        to phone: PhoneNumber, market: Market, network: String, answer: ChallengeAnswer? = nil, logger: Logger
    ) async throws -> String {
        let issuedAt = now()
        let verificationID = "v" + random.bytes(Self.verificationIDBytes).base64URL
        let attempt = SendAttempt(phone: phone.e164, ip: network, prefix: Self.range(of: phone, in: market))
        if let fixed = testNumbers.code(for: phone, at: issuedAt) {
            // A test number texts nothing, so it shares no budget or limit with real numbers: only its own cooldown.
            if limits.resendCooldown > .zero, let last = try await signIn.latestIssue(phone: phone.e164) {
                let wait = limits.resendCooldown.seconds - issuedAt.timeIntervalSince(last)
                if wait > 0 { throw AppError.resendTooSoon.retrying(after: Int(wait.rounded(.up))) }
            }
            _ = try await store(verificationID, phone: phone, code: fixed, at: issuedAt)
            logger.info("test number: code stored, no sms", metadata: ["phone": "\(phone.masked)"])
            return verificationID
        }
        guard !limits.deniedPrefixes.contains(where: { phone.e164.hasPrefix($0) }) else {
            activity.record(.refused(AppError.phoneNotAllowed.code), market: market.code)
            throw AppError.phoneNotAllowed
        }
        var screening = fraud.enabled ? SendScreening(policy: fraud.policy, challengeQuota: limits.challengeRule) : nil
        var rejection: String?
        if let answer, screening != nil {
            switch try await redeem(answer, phone: phone) {
            case .success(let difficulty): screening?.solvedDifficulty = difficulty
            case .failure(let why): rejection = why.message
            }
        }
        try await admit(attempt, rules: limits.sendRules, screening: screening, phone: phone, market: market, rejection: rejection, logger: logger)
        let code = random.numericCode(digits: 6)
        let stored = try await store(verificationID, phone: phone, code: code, at: issuedAt)
        if stored.phoneIsDisabled {
            try? await Task.sleep(for: timing.delay(random: random))
            logger.info("disabled user: no sms", metadata: ["phone": "\(phone.masked)"])
            return verificationID
        }
        let message = SMSMessage(to: phone, body: texts.text(code: code, language: market.defaultLanguage, otpDomain: market.otpDomain), code: code)
        let started = ContinuousClock.now
        do {
            try await sms.send(message, logger: logger)
        } catch {
            // No usable code is left behind; the caller is told why (bad number, refused region, or unavailable).
            try await signIn.delete(id: stored.id)
            logger.warning("sms send failed", metadata: ["phone": "\(phone.masked)", "error": "\(error)"])
            throw error as? AppError ?? AppError.smsUnavailable
        }
        timing.record(ContinuousClock.now - started)
        metrics.code(.sent, market: market.code)
        activity.record(.sent, market: market.code)
        var logged: Logger.Metadata = ["phone": "\(phone.masked)", "market": "\(market.code)"]
        if let price = fraud.prices[market.code] {
            metrics.estimatedSpend(price, market: market.code)
            logged["estimated_cost_usd"] = "\(price)"
        }
        logger.info("code sent", metadata: logged)
        return verificationID
    }

    /// The number range fraud is counted by: country code plus the next three digits (SMS pumping walks such ranges).
    static func range(of phone: PhoneNumber, in market: Market) -> String {
        String(phone.e164.prefix(1 + market.callingCode.count + 3))
    }

    /// Why a challenge answer does not count (the send is then screened as without one).
    private struct ChallengeRejected: Error {
        var message: String
    }

    /// The difficulty the answer carried when it is good and now used; otherwise why it is not.
    private func redeem(_ answer: ChallengeAnswer, phone: PhoneNumber) async throws -> Result<Int, ChallengeRejected> {
        let accepted: ProofOfWork.Accepted
        do {
            accepted = try proofOfWork.check(token: answer.token, solution: answer.solution, phone: phone)
        } catch {
            metrics.challenge(.rejected)
            return switch error {
            case .invalid: .failure(.init(message: "The challenge sent is not valid for this phone."))
            case .expired: .failure(.init(message: "The challenge sent has expired."))
            case .insufficientWork: .failure(.init(message: "The solution does not solve the challenge."))
            }
        }
        guard try await challenges.redeem(id: accepted.id, expiresAt: accepted.expiresAt, now: now()) else {
            metrics.challenge(.rejected)
            return .failure(.init(message: "The challenge sent was already used."))
        }
        metrics.challenge(.solved)
        return .success(accepted.difficulty)
    }

    private func admit(
        _ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, phone: PhoneNumber, market: Market, rejection: String? = nil,
        logger: Logger
    ) async throws {
        switch try await signIn.admit(attempt, rules: rules, screening: screening, now: now()) {
        case .admitted: return
        case .refused(let refusal):
            metrics.limitRefused(refusal.rule.refusal.code)
            activity.record(.refused(refusal.rule.refusal.code), market: market.code)
            if refusal.rule.refusal.kind == .smsBudgetExhausted {
                logger.warning("sms budget exhausted: every send is refused", metadata: ["retry_after": "\(refusal.retryAfter)"])
            }
            throw refusal.rule.refusal.retrying(after: refusal.retryAfter)
        case .challenged(let difficulty):
            throw challenge(phone, difficulty: difficulty, market: market, rejection: rejection)
        case .hardened(let block, let difficulty):
            metrics.rangeBlockedAutomatically()
            logger.warning(
                """
                number range hardened automatically: unknown numbers there solve the hardest challenge for each code; confirm \
                a block with `PhoneAuthServer admin block-range \(block.prefix) --reason …` if it is pumping
                """,
                metadata: ["range": "\(block.prefix)", "reason": "\(block.reason)", "until": "\(block.expiresAt?.ISO8601Format() ?? "lifted")"])
            throw challenge(phone, difficulty: difficulty, market: market, rejection: rejection)
        case .blocked:
            metrics.rangeBlockRefused(automatic: false)
            activity.record(.refused("range_blocked"), market: market.code)
            throw AppError.phoneNotAllowed
        }
    }

    private func challenge(_ phone: PhoneNumber, difficulty: Int, market: Market, rejection: String?) -> AppError {
        let issued = proofOfWork.issue(for: phone, difficulty: difficulty, lifetime: fraud.challengeLifetime)
        metrics.challenge(.issued)
        activity.record(.challenged, market: market.code)
        return AppError.challengeRequired(
            .init(token: issued.token, difficulty: issued.difficulty, expiresIn: Int(fraud.challengeLifetime.seconds)), why: rejection)
    }

    private func store(_ verificationID: String, phone: PhoneNumber, code: String, at instant: Date) async throws -> StoredVerification {
        try await signIn.create(
            idHash: Self.hash(verificationID: verificationID), phone: phone.e164, codeHash: hasher.hash(phone: phone, code: code),
            expiresAt: instant.addingTimeInterval(lifetime.seconds), now: instant)
    }

    /// Checks a code in one transaction with the user's activation and the opening of `session`.
    func redeem(_ target: VerificationTarget, code: String, network: String, markets: MarketCatalog, session: NewSession) async throws -> User {
        let hasher = self.hasher
        let guess = Guess(
            target: target, network: network,
            matches: { phone, stored in hasher.matches(stored, e164: phone, code: code) },
            newUser: { phone in
                guard let number = try? PhoneNumber(parsing: phone), let market = try? markets.market(for: number) else { return nil }
                return NewUserDefaults(market: market.code, language: market.defaultLanguage, country: market.country)
            })
        let outcome = try await signIn.redeem(guess, limits: limits.guessLimits(perVerification: maxAttempts), session: session, now: now())
        let error: AppError
        switch outcome {
        case .success(let user):
            metrics.code(.verified, market: user.market)
            activity.record(.signIn, market: user.market)
            if let phone = try? PhoneNumber(parsing: user.phoneNumber), testNumbers.code(for: phone, at: now()) == nil {
                activity.record(.verified, market: user.market)
            }
            return user
        case .rejected(let remaining): error = .invalidCode(attemptsRemaining: remaining)
        case .locked: error = .tooManyAttempts
        case .disabled: error = .accountDisabled
        case .phoneRateLimited(let retryAfter): error = AppError.verifyRateLimited.retrying(after: retryAfter)
        case .networkRateLimited(let retryAfter): error = AppError.networkRateLimited.retrying(after: retryAfter)
        }
        switch outcome {
        case .phoneRateLimited, .networkRateLimited:
            metrics.limitRefused(error.code)
            activity.record(.refused(error.code), market: Self.market(of: target, in: markets))
        default: metrics.code(.failed, market: Self.market(of: target, in: markets))
        }
        throw error
    }

    /// The market a failed guess was aimed at, where the request says it without a read (the id path names no phone).
    private static func market(of target: VerificationTarget, in markets: MarketCatalog) -> String {
        guard case .phone(let e164) = target, let phone = try? PhoneNumber(parsing: e164), let market = try? markets.market(for: phone) else {
            return "unknown"
        }
        return market.code
    }

    /// What is stored of a verification id: its SHA-256 (the id carries 144 random bits, so no salt or pepper is needed).
    static func hash(verificationID: String) -> Data {
        Data(SHA256.hash(data: Data(verificationID.utf8)))
    }

    /// Whether a client's text can be a verification id at all; anything else is a malformed request.
    static func isWellFormed(verificationID: String) -> Bool {
        let bytes = verificationID.utf8
        return bytes.count == 25 && bytes.first == UInt8(ascii: "v") && bytes.dropFirst().allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
