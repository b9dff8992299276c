import Foundation

/// The rules of an account's life: how long a number that left an account waits before a new account may take it, how
/// fresh a sign-in must be for the account to be deleted with it, and how a number change goes.
package struct AccountPolicy: Sendable, Equatable {
    /// A released number can sign up a new account only after this (`--number-quarantine-days`, default 30; 0: at once).
    package var quarantine: Duration
    /// Deleting one's own account needs a session opened by a code this recently (`--step-up-seconds`, default 300).
    package var stepUpWindow: Duration
    /// One number change per this long (`--phone-change-cooldown-days`, default 7; 0: no limit).
    package var phoneChangeCooldown: Duration
    /// Text the old number that its account moved (`--phone-change-notice`, default on).
    package var phoneChangeNotice: Bool
    /// End the account's other sessions when its number changes (`--phone-change-ends-sessions`, default on).
    package var phoneChangeEndsSessions: Bool
    /// An account unused (no sign-in, no refresh) this long is dormant (`--dormant-after-days`, default 180; 0: never).
    package var dormantAfter: Duration
    /// What a sign-in by code to a dormant account does (`--recycled-numbers`).
    package var recycledNumbers: RecycledNumbers
    /// A detached account is kept this long for support, then erased (`--detached-retention-days`, default 90; 0:
    /// kept until an operator deletes it).
    package var detachedRetention: Duration

    /// Carriers give a number dormant for months to a new subscriber: by default a sign-in to a dormant account makes
    /// a fresh one and detaches the old (`newAccount`); `allow` signs in to the old account.
    package enum RecycledNumbers: String, Sendable, Equatable, CaseIterable {
        case newAccount = "new-account"
        case allow
    }

    /// Whether the operator's Number Recycling answer (a new subscriber since the account's last sign-in) makes the
    /// number a new owner's: it replaces the guess by age where the operator is asked.
    package func isRecycled(operatorAnswer: Bool) -> Bool {
        recycledNumbers == .newAccount && operatorAnswer
    }

    /// Whether an account last seen at `lastSeen` is dormant at `now`.
    package func isDormant(lastSeen: Date?, now: Date) -> Bool {
        guard recycledNumbers == .newAccount, dormantAfter > .zero, let lastSeen else { return false }
        return now.timeIntervalSince(lastSeen) > dormantAfter.seconds
    }

    package init(
        quarantine: Duration = .seconds(30 * 86_400), stepUpWindow: Duration = .seconds(300), phoneChangeCooldown: Duration = .seconds(7 * 86_400),
        phoneChangeNotice: Bool = true, phoneChangeEndsSessions: Bool = true, dormantAfter: Duration = .seconds(180 * 86_400),
        recycledNumbers: RecycledNumbers = .newAccount, detachedRetention: Duration = .seconds(90 * 86_400)
    ) {
        self.detachedRetention = detachedRetention
        (self.dormantAfter, self.recycledNumbers) = (dormantAfter, recycledNumbers)
        (self.quarantine, self.stepUpWindow, self.phoneChangeCooldown) = (quarantine, stepUpWindow, phoneChangeCooldown)
        (self.phoneChangeNotice, self.phoneChangeEndsSessions) = (phoneChangeNotice, phoneChangeEndsSessions)
    }
}
