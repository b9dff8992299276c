import Foundation

/// What erasing an account does, table by table, the same on every backend (`AccountRepository.erase`), in one
/// transaction:
///
/// - `users`: the row stays as a tombstone, so its id is never reused and a repeated delete is a no-op: the number
///   becomes `deleted:<id>`, the name and picture are cleared, the user is inactive with `deleted_at` set, and every
///   token issued before is refused (`tokens_valid_after`).
/// - `addresses`, `user_sessions`: deleted; `verifications`, `idempotency_keys` of the number it holds: deleted.
/// - `sms_sends`, `verify_failures`, `deliveries`: in the rows that were the account's (`logWindows`: of every number
///   it had, not only the last), the number and the network addresses the sends were asked from become keyed digests
///   (`PhoneDigest`): the global and per-range counts stay right, nothing names anyone.
/// - `phone_history`: each number the user had becomes its digest, and the current one ends now.
/// - `released_numbers`: the digest of the number it holds, with when a new account may take the number (the
///   quarantine). A detached account holds none: its number went to whoever signed in with it.
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

    /// The log rows of one number that were the account's: those up to `through` (nil: all of them).
    package struct LogWindow: Sendable, Equatable {
        package var number: String
        package var through: Date?

        package init(number: String, through: Date?) { (self.number, self.through) = (number, through) }

        /// `through`, with no bound as a date every backend compares (year 4001).
        package var bound: Date { through ?? .distantFuture }
    }

    /// Which log rows were the account's. Of the number it holds (`current`; nil once detached): every row. Of a
    /// number it moved away from: the rows up to the move; later ones are whoever tried or holds it since. Of the
    /// number a dormant account was detached from: the rows up to its last sign-in; the new holder's sign-in came
    /// after. A number had more than once keeps the widest window.
    package static func logWindows(current: String?, history: [NumberHistoryEntry], lastSignIn: Date?) -> [LogWindow] {
        var windows: [String: LogWindow] = [:]
        func widen(_ number: String, through: Date?) {
            guard let known = windows[number] else {
                windows[number] = LogWindow(number: number, through: through)
                return
            }
            guard let previous = known.through, let through else {
                windows[number] = LogWindow(number: number, through: nil)
                return
            }
            windows[number] = LogWindow(number: number, through: max(previous, through))
        }
        for entry in history where entry.phoneNumber != current {
            switch entry.reason {
            case "detached":
                if let lastSignIn, lastSignIn >= entry.from { widen(entry.phoneNumber, through: min(lastSignIn, entry.until ?? lastSignIn)) }
            default: if let until = entry.until { widen(entry.phoneNumber, through: until) }
            }
        }
        if let current { widen(current, through: nil) }
        return windows.values.sorted { $0.number < $1.number }
    }
}
