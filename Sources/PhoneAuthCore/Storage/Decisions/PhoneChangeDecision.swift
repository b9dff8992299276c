import Foundation

/// Whether the right code for a number change moves the account to the new number, decided once for every backend
/// (`AccountRepository.changePhone`) from what its transaction reads. Checked only after the code proves the new
/// number, so the answer to the request before it says nothing about who holds the number.
package enum PhoneChangeDecision: Sendable, Equatable {
    case change
    /// Another account holds the number: nothing is merged, nothing changes.
    case refuseTaken
    /// The number left another account less than the quarantine ago.
    case refuseQuarantined(until: Date)
    /// The account changed its number less than the cooldown ago.
    case refuseTooSoon(retryAfter: Int)

    /// `holder`: the user holding the new number now; `released`: the number's quarantine and whose it was;
    /// `lastChange`: when this user last changed number.
    package static func decide(
        userID: Int64, holder: Int64?, released: (until: Date, userID: Int64)?, lastChange: Date?, cooldown: Duration, now: Date
    ) -> PhoneChangeDecision {
        if let wait = cooldownLeft(lastChange: lastChange, cooldown: cooldown, now: now) { return .refuseTooSoon(retryAfter: wait) }
        if let holder, holder != userID { return .refuseTaken }
        // A number the same account gave up may come back to it at once.
        if let released, released.until > now, released.userID != userID { return .refuseQuarantined(until: released.until) }
        return .change
    }

    /// The answer when the account does not move; nil for `.change`.
    package var refusal: PhoneChangeOutcome? {
        switch self {
        case .change: nil
        case .refuseTaken: .taken
        case .refuseQuarantined(let until): .quarantined(until: until)
        case .refuseTooSoon(let wait): .tooSoon(retryAfter: wait)
        }
    }

    /// Whether the refused code is spent: it proved the number, and the answer it got will not change.
    package var burnsCode: Bool {
        switch self {
        case .refuseTaken, .refuseQuarantined: true
        case .change, .refuseTooSoon: false
        }
    }

    /// Seconds until the account may change number again; nil when it may now.
    package static func cooldownLeft(lastChange: Date?, cooldown: Duration, now: Date) -> Int? {
        guard let lastChange, cooldown > .zero else { return nil }
        let left = cooldown.seconds - now.timeIntervalSince(lastChange)
        return left > 0 ? Int(left.rounded(.up)) : nil
    }
}

/// What confirming a number change led to.
package enum PhoneChangeOutcome: Sendable, Equatable {
    /// The account holds the new number now; `previous` is the number it left (now in quarantine).
    case changed(User, previous: String)
    case rejected(attemptsRemaining: Int?)
    case locked
    case taken
    case quarantined(until: Date)
    case tooSoon(retryAfter: Int)
    case networkRateLimited(retryAfter: Int)
}

/// What a number change takes besides the guess: whose, the rules, and what to record.
package struct PhoneChange: Sendable {
    package var userID: Int64
    /// Only the session that asked for the change may confirm it.
    package var sessionID: String
    package var digest: PhoneDigest
    package var quarantine: Duration
    package var cooldown: Duration
    /// End the account's other sessions with the change.
    package var endOtherSessions: Bool

    package init(userID: Int64, sessionID: String, digest: PhoneDigest, quarantine: Duration, cooldown: Duration, endOtherSessions: Bool) {
        (self.userID, self.sessionID, self.digest, self.quarantine, self.cooldown) = (userID, sessionID, digest, quarantine, cooldown)
        self.endOtherSessions = endOtherSessions
    }
}

extension PhoneChangeOutcome {
    /// A refused or wrong guess, as the sign-in judge put it.
    package init(_ refusal: RedemptionOutcome) {
        switch refusal {
        case .locked: self = .locked
        case .rejected(let remaining): self = .rejected(attemptsRemaining: remaining)
        case .networkRateLimited(let wait): self = .networkRateLimited(retryAfter: wait)
        case .phoneRateLimited, .success, .disabled, .quarantined, .simSwapped, .networkUnverified: self = .rejected(attemptsRemaining: nil)
        }
    }
}
