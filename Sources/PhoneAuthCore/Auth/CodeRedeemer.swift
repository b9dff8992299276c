import Foundation

/// Redeems one-time codes: a guess is checked in one transaction with the user's activation and the opening of the
/// session; codes and ids are burnt on first use, and die after `maxAttempts` wrong tries per path.
package struct CodeRedeemer: Sendable {
    package let signIn: any SignInRepository
    package let limits: SendLimits
    package let maxAttempts: Int
    package let hasher: CodeHasher
    /// Sign-ins with a test number count as sign-ins, not as verified texts.
    package let testNumbers: TestNumberBook
    package let markets: MarketCatalog
    package let metrics: ServerMetrics
    /// The console's counters of sign-ins, verified codes and refusals.
    package let activity: ActivityRecorder
    /// What `released_numbers` keys a number in quarantine by.
    package let digest: PhoneDigest
    /// When an account is dormant (its number may have a new owner).
    package let account: AccountPolicy
    package let now: WallClock

    package init(
        signIn: any SignInRepository,
        limits: SendLimits,
        maxAttempts: Int,
        hasher: CodeHasher,
        testNumbers: TestNumberBook,
        markets: MarketCatalog,
        metrics: ServerMetrics,
        activity: ActivityRecorder,
        digest: PhoneDigest,
        account: AccountPolicy = AccountPolicy(),
        now: @escaping WallClock
    ) {
        self.signIn = signIn
        self.limits = limits
        self.maxAttempts = maxAttempts
        self.hasher = hasher
        self.testNumbers = testNumbers
        self.markets = markets
        self.metrics = metrics
        self.activity = activity
        self.digest = digest
        self.account = account
        self.now = now
    }

    /// The signed-in user, with `session` opened (and whether the number's dormant account was detached for it, and
    /// whether the number should hear that its SIM changed lately); otherwise the refusal as an `AppError`.
    package func redeem(
        _ target: VerificationTarget, code: String, network: String, session: NewSession
    ) async throws -> (
        user: User, detached: Bool, simSwapNotice: Bool
    ) {
        let hasher = hasher
        let guess = guess(target, network: network) { phone, stored in hasher.matches(stored, e164: phone, code: code) }
        let outcome = try await signIn.redeem(guess, limits: limits.guessLimits(perVerification: maxAttempts), session: session, now: now())
        return try settle(outcome, target: target, texted: true)
    }

    /// The same for a number the operator network confirmed (a silent sign-in): no code, no text.
    package func redeemProven(
        phone: String, marks: NetworkMarks, network: String, session: NewSession
    ) async throws -> (
        user: User, detached: Bool, simSwapNotice: Bool
    ) {
        let guess = guess(.phone(phone), network: network) { _, _ in false }
        let outcome = try await signIn.signInProven(phone: phone, marks: marks, guess: guess, session: session, now: now())
        return try settle(outcome, target: .phone(phone), texted: false)
    }

    /// What a sign-in needs to know beyond the code: a new user's defaults, the digest, and the policy's dormancy.
    private func guess(_ target: VerificationTarget, network: String, matches: @escaping @Sendable (String, Data) -> Bool) -> Guess {
        let (markets, digest) = (self.markets, self.digest)
        var guess = Guess(
            target: target, network: network, matches: matches,
            newUser: { phone in
                guard let number = try? PhoneNumber(parsing: phone), let market = try? markets.market(for: number) else { return nil }
                return NewUserDefaults(market)
            })
        guess.digest = { digest($0) }
        let (policy, now) = (account, self.now)
        guess.isDormant = { policy.isDormant(lastSeen: $0, now: now()) }
        guess.isRecycled = { policy.isRecycled(operatorAnswer: $0) }
        return guess
    }

    /// The signed-in user, counted (`texted`: a code sent by text was entered), or the refusal as an `AppError`.
    private func settle(
        _ outcome: RedemptionOutcome, target: VerificationTarget, texted: Bool
    ) throws -> (
        user: User, detached: Bool, simSwapNotice: Bool
    ) {
        let error: AppError
        switch outcome {
        case .success(let user, let detached, let notice):
            activity.record(.signIn, market: user.market)
            if !texted {
                activity.record(.networkVerified, market: user.market)
            } else if let phone = try? PhoneNumber(parsing: user.phoneNumber), testNumbers.code(for: phone, at: now()) == nil {
                metrics.code(.verified, market: user.market)
                activity.record(.verified, market: user.market)
            } else {
                metrics.code(.verified, market: user.market)
            }
            return (user, detached, notice)
        case .rejected(let remaining): error = .invalidCode(attemptsRemaining: remaining)
        case .locked: error = .tooManyAttempts
        case .disabled: error = .accountDisabled
        case .quarantined(let until): error = .numberQuarantined(until: until, now: now())
        case .simSwapped: error = .simSwapDetected
        case .networkUnverified: error = .networkCheckUnavailable
        case .phoneRateLimited(let retryAfter): error = AppError.verifyRateLimited.retrying(after: retryAfter)
        case .networkRateLimited(let retryAfter): error = AppError.networkRateLimited.retrying(after: retryAfter)
        }
        switch outcome {
        case .phoneRateLimited, .networkRateLimited, .simSwapped, .networkUnverified:
            metrics.limitRefused(error.code.rawValue)
            activity.record(.refused(error.code.rawValue), market: market(of: target))
        default: if texted { metrics.code(.failed, market: market(of: target)) }
        }
        throw error
    }

    /// The market a failed guess was aimed at, where the request says it without a read (the id path names no phone).
    private func market(of target: VerificationTarget) -> String {
        guard case .phone(let e164) = target, let phone = try? PhoneNumber(parsing: e164), let market = try? markets.market(for: phone) else {
            return "unknown"
        }
        return market.code
    }
}
