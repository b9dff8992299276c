import Foundation

/// When a failed delivery is tried again, and when it is given up: the waits double from `firstWait` up to an hour,
/// and once the event has failed for `retryFor` it goes to the dead letters and the endpoint moves on. One rule for
/// every backend and instance.
package struct WebhookRetryPolicy: Sendable, Equatable {
    package var firstWait: TimeInterval
    package var retryFor: TimeInterval
    package var longestWait: TimeInterval = 3_600

    package init(firstWait: TimeInterval = 5, retryFor: TimeInterval = 86_400) {
        (self.firstWait, self.retryFor) = (firstWait, retryFor)
    }

    package enum Verdict: Sendable, Equatable {
        case retry(at: Date)
        case deadLetter
    }

    /// After the `attempts`-th failure of an event that first failed at `failingSince`.
    package func afterFailure(attempts: Int, failingSince: Date, now: Date) -> Verdict {
        if now.timeIntervalSince(failingSince) >= retryFor { return .deadLetter }
        let wait = min(firstWait * pow(2, Double(max(attempts - 1, 0))), longestWait)
        return .retry(at: now.addingTimeInterval(wait))
    }
}
