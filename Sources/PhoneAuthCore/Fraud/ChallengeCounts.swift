import Foundation

/// Challenges issued, kept as hourly counters per scope (a number range, a client network) rather than a row per 428,
/// so reading "the last hour" costs two rows whatever an attack's size. The window is this hour's bucket and the one
/// before: it covers one to two hours, and a refused network may try again when the older bucket leaves it.
package enum ChallengeCounts {
    package static func hour(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 3_600).rounded(.down)) }

    /// The oldest bucket still counted at `now`.
    package static func firstCountedHour(at now: Date) -> Int64 { hour(of: now) - 1 }

    package static func range(_ prefix: String) -> String { "range:" + prefix }
    package static func network(_ key: String) -> String { "network:" + key }

    /// Seconds until the older bucket leaves the window.
    package static func retryAfter(at now: Date) -> Int {
        max(1, Int((Double(hour(of: now) + 1) * 3_600 - now.timeIntervalSince1970).rounded(.up)))
    }
}
