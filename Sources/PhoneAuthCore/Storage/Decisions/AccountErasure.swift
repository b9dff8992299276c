import Foundation

/// What erasing an account does, table by table, the same on every backend (`AccountRepository.erase`), in one
/// transaction:
///
/// - `users`: the row stays as a tombstone, so its id is never reused and a repeated delete is a no-op: the number
///   becomes `deleted:<id>`, the name and picture are cleared, the user is inactive with `deleted_at` set, and every
///   token issued before is refused (`tokens_valid_after`).
/// - `addresses`, `user_sessions`, `verifications`, `idempotency_keys` (of the number): deleted.
/// - `sms_sends`, `verify_failures`, `deliveries`: the number, and the network addresses the sends were asked from,
///   become keyed digests (`PhoneDigest`): the global and per-range counts stay right, nothing names anyone.
/// - `phone_history`: each number the user had becomes its digest, and the current one ends now.
/// - `released_numbers`: the number's digest, with when a new account may take the number (the quarantine).
/// - `audit_log`: entries about the user keep its id but lose their free-text detail; entries the user made as an
///   operator lose the address they came from.
package struct AccountErasure: Sendable {
    package var userID: Int64
    package var digest: PhoneDigest
    package var quarantine: Duration

    package init(userID: Int64, digest: PhoneDigest, quarantine: Duration) {
        (self.userID, self.digest, self.quarantine) = (userID, digest, quarantine)
    }

    /// The number the tombstone keeps: unique, and never a phone number.
    package var tombstone: String { "deleted:\(userID)" }

    /// When a new account may take the number; nil when there is no quarantine.
    package func availableAt(_ now: Date) -> Date? {
        quarantine > .zero ? now.addingTimeInterval(quarantine.seconds) : nil
    }
}
