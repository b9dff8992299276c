import Foundation

/// Failed attempts per client network in a sliding window, in memory: past `limit` failures a network is turned away
/// until the oldest leaves the window. For guesses that cost a stranger nothing but a request (an introspection
/// client's secret); a network that authenticates never accrues anything. Bounded: each network keeps at most `limit`
/// instants, and at `capacity` networks those with nothing left in the window go (all of them, if none does).
package final class FailureThrottle: Sendable {
    package let limit: Int
    package let window: TimeInterval
    package let capacity: Int
    private let failures = Locked<[String: [Date]]>([:])

    package init(limit: Int, window: TimeInterval, capacity: Int = 10_000) {
        (self.limit, self.window, self.capacity) = (limit, window, capacity)
    }

    /// Seconds until `network` may try again; nil while it may.
    package func retryAfter(_ network: String, now: Date) -> Int? {
        failures.withLock { failures in
            guard let recent = failures[network]?.filter({ now.timeIntervalSince($0) < window }), recent.count >= limit,
                let oldest = recent.first
            else { return nil }
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    package func recordFailure(_ network: String, now: Date) {
        failures.withLock { failures in
            if failures[network] == nil, failures.count >= capacity {
                failures = failures.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
                if failures.count >= capacity { failures.removeAll(keepingCapacity: true) }
            }
            var recent = (failures[network] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            failures[network] = Array(recent.suffix(limit))
        }
    }
}
