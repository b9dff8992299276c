import Foundation

/// What a recent SIM change does to a sign-in by code to an existing account from a device without a live session.
package struct SimSwapPolicy: Sendable, Equatable {
    package enum Action: String, Sendable, Equatable, CaseIterable {
        /// The sign-in is refused (403 `sim_swap_detected`); the account's sessions are kept.
        case refuse
        /// The sign-in goes ahead, and the number gets a text saying so.
        case notify
        /// Not checked.
        case off
    }

    /// What an operator that gives no answer means.
    package enum OnFailure: String, Sendable, Equatable, CaseIterable {
        /// As if no swap: sign in, with a warning in the log and the metric.
        case open = "fail-open"
        /// Refuse (503 `network_check_unavailable`) until the operator answers.
        case closed = "fail-closed"
    }

    package var window: Duration
    package var action: Action
    package var onFailure: OnFailure

    package init(window: Duration = .seconds(72 * 3_600), action: Action = .refuse, onFailure: OnFailure = .open) {
        (self.window, self.action, self.onFailure) = (window, action, onFailure)
    }

    /// The window in whole hours, as SIM Swap's `maxAge` takes it (1 to 2400).
    package var maxAgeHours: Int { min(2_400, max(1, Int((window.seconds / 3_600).rounded(.up)))) }
}
