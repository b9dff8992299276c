import Foundation

/// An account's whole life beyond sign-in: erasing it, and reading back everything stored about it.
package protocol AccountRepository: Sendable {
    /// Erases the user's personal data in one transaction, as `AccountErasure` lists it table by table; the user's
    /// tokens fail on their next request on every instance (the change is signalled to the auth-state caches).
    func erase(_ erasure: AccountErasure, now: Date) async throws -> ErasureOutcome
    /// Detached accounts detached before `cutoff` and not yet erased, oldest id first, at most `limit`.
    func detached(before cutoff: Date, limit: Int) async throws -> [Int64]
    /// Confirms a number change with the code sent to the new number for `change.sessionID` (`PhoneChangeDecision`),
    /// in one transaction: the user moves to the number, its history ends the old one and starts the new one, the old
    /// one goes into quarantine, the codes of the new number are spent and, if asked, the other sessions end.
    func changePhone(_ change: PhoneChange, guess: Guess, limits: GuessLimits, now: Date) async throws -> PhoneChangeOutcome
    /// Gives a detached (dormant) account its number back, detaching whichever account holds the number now; its
    /// dormancy runs afresh from `now`. nil when the user is not a detached one.
    func reattach(userID: Int64, now: Date) async throws -> User?
    /// When the user last changed number; nil if never.
    func lastPhoneChange(userID: Int64) async throws -> Date?
    /// Every number the user has had, oldest first.
    func numberHistory(userID: Int64) async throws -> [NumberHistoryEntry]
    /// The codes sent to `phone`, oldest first.
    func sends(phone: String) async throws -> [SendHistoryEntry]
    /// The messages providers took for `phone`, oldest first.
    func deliveries(phone: String) async throws -> [DeliveryRecord]
}

package enum ErasureOutcome: Sendable, Equatable {
    /// Erased now.
    case erased
    /// Erased before: nothing changed.
    case alreadyErased
    case notFound
}

/// One number a user had, from when it was attached until it was released (nil: still theirs).
package struct NumberHistoryEntry: Sendable, Equatable, Encodable {
    package var phoneNumber: String
    package var from: Date
    @ExplicitNull package var until: Date? = nil
    /// Why it was released: `deleted`, later `changed` and `detached`.
    @ExplicitNull package var reason: String? = nil

    package init(phoneNumber: String, from: Date, until: Date? = nil, reason: String? = nil) {
        (self.phoneNumber, self.from, self.until, self.reason) = (phoneNumber, from, until, reason)
    }

    enum CodingKeys: String, CodingKey {
        case phoneNumber = "phone_number"
        case from, until, reason
    }
}

/// One code sent to the user's number: when, from which network it was asked for, and whether it was entered.
package struct SendHistoryEntry: Sendable, Equatable, Encodable {
    package var at: Date
    package var network: String
    @ExplicitNull package var verifiedAt: Date? = nil

    package init(at: Date, network: String, verifiedAt: Date?) {
        (self.at, self.network, self.verifiedAt) = (at, network, verifiedAt)
    }

    enum CodingKeys: String, CodingKey {
        case at, network
        case verifiedAt = "verified_at"
    }
}
