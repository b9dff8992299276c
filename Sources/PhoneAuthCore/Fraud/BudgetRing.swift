import Foundation

/// The sends one global SMS budget counts (`WindowRule` of scope `.global`), per pool (numbers that signed in before
/// have a pool of their own), kept as a ring of counts per sixtieth of the window: a minute for the hourly budget, 24
/// minutes for the daily one. One row per pool and window holds the ring, so the whole budget is one row: PostgreSQL
/// claims a send with one conditional `UPDATE` of it (the row's lock, held to the commit, is the only thing sends of a
/// pool share; no fleet-wide lock and no scan of the send log), and reading it costs the same at ten texts an hour or
/// ten million. Both backends keep it alike.
///
/// A send is counted from the start of its bucket until a window after the bucket's end, never less than exactly: a
/// budget never lets more than its `max` through in any span of the window's length, and a refused client waits at
/// most one bucket longer than exact counting would say.
package struct BudgetRing: Sendable, Equatable {
    /// Buckets in a ring: the sixty a window spans and the one `now` is in.
    package static let slots = 61

    /// The bucket each slot counts (-1 for none yet), and its count.
    package var buckets: [Int64]
    package var counts: [Int]

    package init(buckets: [Int64] = Array(repeating: -1, count: slots), counts: [Int] = Array(repeating: 0, count: slots)) {
        // A ring stored by another shape (never written by this code) reads as empty rather than trapping.
        let valid = buckets.count == Self.slots && counts.count == Self.slots
        self.buckets = valid ? buckets : Array(repeating: -1, count: Self.slots)
        self.counts = valid ? counts : Array(repeating: 0, count: Self.slots)
    }

    /// Seconds a bucket spans for `window`.
    package static func bucketSeconds(_ window: TimeInterval) -> Int64 { max(1, Int64(window) / 60) }

    /// The bucket a send at `date` is counted in.
    package static func bucket(of date: Date, window: TimeInterval) -> Int64 {
        Int64((date.timeIntervalSince1970 / Double(bucketSeconds(window))).rounded(.down))
    }

    /// The oldest bucket still counted at `now`: the one `now - window` falls in.
    package static func firstCounted(at now: Date, window: TimeInterval) -> Int64 { bucket(of: now.addingTimeInterval(-window), window: window) }

    /// The slot (0-based) that holds `bucket`.
    package static func slot(of bucket: Int64) -> Int { Int(bucket % Int64(slots)) }

    /// Sends counted at `now`.
    package func counted(window: TimeInterval, now: Date) -> Int {
        let first = Self.firstCounted(at: now, window: window)
        return zip(buckets, counts).reduce(0) { $0 + ($1.0 >= first ? $1.1 : 0) }
    }

    /// Whether `max` sends are counted at `now`, and then when the one whose leaving lets one more through was sent, as
    /// `WindowFill` puts it: the end of its bucket, so `retryAfter` is when that bucket stops being counted.
    package func fill(max: Int, window: TimeInterval, now: Date) -> WindowFill {
        let first = Self.firstCounted(at: now, window: window)
        var counted = zip(buckets, counts).filter { $0.0 >= first }.sorted { $0.0 < $1.0 }
        var total = counted.reduce(0) { $0 + $1.1 }
        guard total >= max else { return .under }
        while let (bucket, count) = counted.first {
            counted.removeFirst()
            total -= count
            if total < max {
                return .full(oldestCounted: Date(timeIntervalSince1970: Double((bucket + 1) * Self.bucketSeconds(window))))
            }
        }
        return .full(oldestCounted: now)
    }

    /// This ring with `change` sends added in the bucket of `now` (a bucket that has come round again starts at 0).
    package func adding(_ change: Int, window: TimeInterval, now: Date) -> BudgetRing {
        let bucket = Self.bucket(of: now, window: window)
        let slot = Self.slot(of: bucket)
        var ring = self
        ring.counts[slot] = (ring.buckets[slot] == bucket ? ring.counts[slot] : 0) + change
        ring.buckets[slot] = bucket
        return ring
    }

    /// One budget's claim as a conditional write takes it: add one to `slot` (1-based, as SQL arrays count) for
    /// `bucket` while the buckets from `firstCounted` on hold fewer than `max`.
    package struct Claim: Sendable, Equatable {
        package var window: Int
        package var bucket: Int64
        package var slot: Int
        package var firstCounted: Int64
        package var max: Int

        package init(window: TimeInterval, max: Int, now: Date) {
            self.window = Int(window)
            bucket = BudgetRing.bucket(of: now, window: window)
            slot = BudgetRing.slot(of: bucket) + 1
            firstCounted = BudgetRing.firstCounted(at: now, window: window)
            self.max = max
        }

        /// Seconds until this budget has room in `ring` (its row as read); nil when it has room now.
        package func retryAfter(in ring: BudgetRing, now: Date) -> Int? {
            ring.fill(max: max, window: TimeInterval(window), now: now).retryAfter(window: TimeInterval(window), now: now)
        }
    }
}
