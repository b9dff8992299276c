import Foundation

/// The sliding-window arithmetic every backend's limit queries share.
package enum SlidingWindowMath {
    /// Seconds until `oldestCounted` (the oldest of the `max` newest events in the window) leaves it: then one more
    /// event passes. At least 1.
    package static func retryAfter(oldestCounted: Date, window: TimeInterval, now: Date) -> Int {
        max(1, Int(oldestCounted.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
    }
}

/// Whether a sliding window already holds its limit of events, and if so the oldest counted one: when it leaves the
/// window, one more passes.
package enum WindowFill: Sendable, Equatable {
    case under
    case full(oldestCounted: Date)

    /// nil while under; otherwise the seconds until one more event passes.
    package func retryAfter(window: TimeInterval, now: Date) -> Int? {
        guard case .full(let oldest) = self else { return nil }
        return SlidingWindowMath.retryAfter(oldestCounted: oldest, window: window, now: now)
    }
}
