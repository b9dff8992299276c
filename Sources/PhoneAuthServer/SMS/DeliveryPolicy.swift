import Foundation

/// Retry and deadline rules for sending one message.
struct DeliveryPolicy: Sendable, Equatable {
    var connectTimeout: Duration = .seconds(2)
    /// Deadline of a single attempt.
    var attemptTimeout: Duration = .seconds(5)
    /// Attempts per provider, the first included.
    var maxAttempts = 3
    /// Time one provider may take over all its attempts and waits before the next provider is tried.
    var providerBudget: Duration = .seconds(12)
    var baseBackoff: Duration = .milliseconds(250)
    var maxBackoff: Duration = .seconds(2)

    /// Exponential backoff with full jitter: a random wait up to base·2^(attempt-1), capped.
    func backoff(afterAttempt attempt: Int, random: any RandomSource) -> Duration {
        let ceiling = min(maxBackoff, baseBackoff * (1 << min(attempt - 1, 16)))
        let millis = max(1, ceiling.milliseconds)
        return .milliseconds(Int(random.uniform(UInt32(clamping: millis))) + 1)
    }
}
