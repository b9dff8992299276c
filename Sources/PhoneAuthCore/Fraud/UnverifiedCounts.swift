import Foundation

/// The fleet's unverified sends of the last hour to numbers not known to be good
/// (`RangeStanding.globalUnverifiedLastHour`: returning users are never screened, so only the sends the screening can
/// let through count), kept as counts per minute of sending. Counting them from the send log on every send scanned the
/// whole hour's sends, twice a send (125–280 ms a time at a million sends an hour). Such a send adds 1 to its minute, a
/// sign-in takes 1 off the minute of each such send it verifies; each minute has `shards` rows, so sends across a fleet
/// seldom update the same row. (Sends that read it meet at their pool's budget claim: `SendAdmissionDecision`.) Reading
/// sums at most 61 minutes' rows, whatever the rate. The hour is counted to the minute: the minutes that began after
/// `now - 1 h` (so the sends of its first, partial minute are left out, which a threshold of hundreds does not notice).
/// Both backends keep it alike.
package enum UnverifiedCounts {
    package static let window: TimeInterval = 3_600
    package static let shards = 10

    /// The minute a send at `date` is counted under.
    package static func minute(of date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / 60).rounded(.down)) }

    /// The row of its minute a send to `phone` is counted in: its last digit.
    package static func shard(of phone: String) -> Int { (phone.last?.wholeNumberValue ?? 0) % shards }

    /// The first minute counted at `now`: the first that began after `now - 1 h`. Housekeeping removes older ones.
    package static func firstCountedMinute(at now: Date) -> Int64 { minute(of: now.addingTimeInterval(-window)) + 1 }

    /// When the first counted minute began: the sends counted at `now` are those made since.
    package static func countedSince(at now: Date) -> Date { Date(timeIntervalSince1970: TimeInterval(firstCountedMinute(at: now)) * 60) }
}
