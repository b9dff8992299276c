import Foundation
import Logging

/// Moving an account to a new number: a code to the new number, through the same limits, fraud defence and channels
/// as sign-in (`CodeSender`), then the move, when that code is entered by the same session within its lifetime
/// (`AccountRepository.changePhone`). Whether another account holds the number is checked only once the code proved
/// the number, so the first answer tells nobody anything about it.
package struct PhoneChanger: Sendable {
    package let sender: CodeSender
    package let accounts: any AccountRepository
    package let audit: any AuditRepository
    package let markets: MarketCatalog
    package let limits: SendLimits
    package let maxAttempts: Int
    package let hasher: CodeHasher
    package let policy: AccountPolicy
    package let digest: PhoneDigest
    package let now: WallClock

    package init(
        sender: CodeSender, accounts: any AccountRepository, audit: any AuditRepository, markets: MarketCatalog, limits: SendLimits,
        maxAttempts: Int, hasher: CodeHasher, policy: AccountPolicy, digest: PhoneDigest, now: @escaping WallClock
    ) {
        (self.sender, self.accounts, self.audit, self.markets, self.limits) = (sender, accounts, audit, markets, limits)
        (self.maxAttempts, self.hasher, self.policy, self.digest, self.now) = (maxAttempts, hasher, policy, digest, now)
    }

    /// Sends a code to `phone` for this session to confirm the move with. Refused at once: the account's own number,
    /// a number of another market (a change stays within the token's market), a change within the cooldown, and,
    /// where the operator is asked, an account whose own number's SIM changed within the window (whoever took over
    /// that SIM would move the account out of the owner's reach).
    package func start(
        _ caller: Caller, to phone: PhoneNumber, network: String, answer: ChallengeGate.Answer?, wording: CodeSender.Wording,
        channel: DeliveryChannel?, logger: Logger
    ) async throws -> CodeSender.Sent {
        guard let sessionID = caller.sessionID else { throw AppError.unauthorized }
        guard phone.e164 != caller.user.phoneNumber else { throw AppError.validation("phone", "This is already the account's number.") }
        let market = try markets.market(for: phone)
        guard market.code == caller.market else {
            throw AppError(.marketMismatch, "The new number is in another market than the account's; a number change stays within its market.")
        }
        let last = try await accounts.lastPhoneChange(userID: caller.userID)
        if let wait = PhoneChangeDecision.cooldownLeft(lastChange: last, cooldown: policy.phoneChangeCooldown, now: now()) {
            throw AppError.phoneChangeTooSoon.retrying(after: wait)
        }
        if let checks = sender.networkChecks {
            switch await checks.simSwapMark(phone: caller.user.phoneNumber, market: market.code, logger: logger) {
            case .swapped: throw AppError.simSwapDetected
            case .unverified: throw AppError.networkCheckUnavailable
            case .notify, nil: break  // the old number hears of the move anyway
            }
        }
        // The new number's own checks would hold nothing: it joins an account that exists already.
        return try await sender.send(
            to: phone, market: market, network: network, answer: answer, wording: wording, channel: channel, changeSession: sessionID,
            trustedDevice: true, logger: logger)
    }

    /// The account with its new number, once `code` is the one sent for this session's change.
    package func confirm(_ caller: Caller, verificationID: String, code: String, network: String, logger: Logger) async throws -> User {
        guard let sessionID = caller.sessionID else { throw AppError.unauthorized }
        let hasher = hasher
        let guess = Guess(
            target: .id(hash: VerificationID.hash(verificationID)), network: network,
            matches: { phone, stored in hasher.matches(stored, e164: phone, code: code) }, newUser: { _ in nil })
        let change = PhoneChange(
            userID: caller.userID, sessionID: sessionID, digest: digest, quarantine: policy.quarantine, cooldown: policy.phoneChangeCooldown,
            endOtherSessions: policy.phoneChangeEndsSessions)
        switch try await accounts.changePhone(change, guess: guess, limits: limits.guessLimits(perVerification: maxAttempts), now: now()) {
        case .changed(let user, let previous):
            try await audit.record(
                AuditEntry(
                    at: now(), operatorID: caller.userID, action: .changeNumber, target: AuditEntry.user(caller.userID),
                    detail: "\(PhoneNumber.mask(previous)) → \(PhoneNumber.mask(user.phoneNumber))", via: .api))
            logger.info("number changed", metadata: ["user_id": "\(caller.userID)", "from": "\(PhoneNumber.mask(previous))"])
            if policy.phoneChangeNotice { await notify(previous, user: user, logger: logger) }
            return user
        case .rejected(let remaining): throw AppError.invalidCode(attemptsRemaining: remaining)
        case .locked: throw AppError.tooManyAttempts
        case .taken: throw AppError.phoneTaken
        case .quarantined(let until): throw AppError.numberQuarantined(until: until, now: now())
        case .tooSoon(let wait): throw AppError.phoneChangeTooSoon.retrying(after: wait)
        case .networkRateLimited(let wait): throw AppError.networkRateLimited.retrying(after: wait)
        }
    }

    /// The old number hears that its account moved (by SMS, no link): a change nobody there asked for is seen at once.
    /// A notice that cannot be sent costs the notice, not the change.
    private func notify(_ previous: String, user: User, logger: Logger) async {
        guard let phone = try? PhoneNumber(parsing: previous) else { return }
        let language = MessageLanguage.pick(nil, user.language, (try? markets.market(for: phone))?.defaultLanguage ?? "en")
        await sender.notice(sender.texts.numberChanged(language: language), to: phone, language: language, logger: logger)
    }
}
