import Foundation

/// Retry and deadline rules for sending one message.
package struct DeliveryPolicy: Sendable, Equatable {
    package var connectTimeout: Duration
    /// Deadline of a single attempt.
    package var attemptTimeout: Duration
    /// Attempts per provider, the first included.
    package var maxAttempts: Int
    /// Time one provider may take over all its attempts and waits before the next provider is tried.
    package var providerBudget: Duration
    package var baseBackoff: Duration
    package var maxBackoff: Duration
    /// Provider calls in flight at once in this process: each waits for its answer on one of that many libcurl
    /// threads, so an instance sends at most `concurrency ÷ provider latency` texts a second.
    package var concurrency: Int

    package init(
        connectTimeout: Duration = .seconds(2),
        attemptTimeout: Duration = .seconds(5),
        maxAttempts: Int = 3,
        providerBudget: Duration = .seconds(12),
        baseBackoff: Duration = .milliseconds(250),
        maxBackoff: Duration = .seconds(2),
        concurrency: Int = 16
    ) {
        self.connectTimeout = connectTimeout
        self.attemptTimeout = attemptTimeout
        self.maxAttempts = maxAttempts
        self.providerBudget = providerBudget
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
        self.concurrency = concurrency
    }

    /// Exponential backoff with full jitter: a random wait up to base·2^(attempt-1), capped.
    package func backoff(afterAttempt attempt: Int, random: any RandomSource) -> Duration {
        let ceiling = min(maxBackoff, baseBackoff * (1 << min(attempt - 1, 16)))
        let millis = max(1, ceiling.milliseconds)
        return .milliseconds(Int(random.uniform(UInt32(clamping: millis))) + 1)
    }
}
