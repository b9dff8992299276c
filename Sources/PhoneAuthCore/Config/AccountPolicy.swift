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

    package init(
        quarantine: Duration = .seconds(30 * 86_400), stepUpWindow: Duration = .seconds(300), phoneChangeCooldown: Duration = .seconds(7 * 86_400),
        phoneChangeNotice: Bool = true, phoneChangeEndsSessions: Bool = true
    ) {
        (self.quarantine, self.stepUpWindow, self.phoneChangeCooldown) = (quarantine, stepUpWindow, phoneChangeCooldown)
        (self.phoneChangeNotice, self.phoneChangeEndsSessions) = (phoneChangeNotice, phoneChangeEndsSessions)
    }
}
