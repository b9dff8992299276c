import Foundation
import Logging

/// Sends through one channel's ordered list of providers: each gets up to `maxAttempts` tries within its budget (transient failures
/// only, with backoff and jitter, honouring `Retry-After`); a provider that fails for good hands over to the next.
/// Every attempt carries the same message, so whichever one is delivered late still holds the stored code.
package struct FailoverDispatcher: MessageGateway {
    package let providers: [any MessageProvider]
    package let policy: DeliveryPolicy
    package let random: any RandomSource
    /// Injected so tests can skip real waits.
    package let sleep: @Sendable (Duration) async throws -> Void
    package let metrics: ServerMetrics?

    package init(
        providers: [any MessageProvider], policy: DeliveryPolicy, random: any RandomSource = SystemRandomSource(), metrics: ServerMetrics? = nil,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }
    ) {
        self.providers = providers
        self.policy = policy
        self.random = random
        self.metrics = metrics
        self.sleep = sleep
        metrics?.prepare(providers: providers.map(\.name))
    }

    package func send(_ message: CodeMessage, logger: Logger) async throws -> SentMessage {
        var retryAfterHint: Duration?
        for provider in providers {
            var spent = Duration.zero
            attempts: for attempt in 1...policy.maxAttempts {
                let remaining = policy.providerBudget - spent
                let limits = AttemptLimits(connectTimeout: min(policy.connectTimeout, remaining), timeout: min(policy.attemptTimeout, remaining))
                let started = ContinuousClock.now
                do {
                    let id = try await provider.send(message, limits: limits)
                    metrics?.sms(.sent, provider: provider.name)
                    logger.info(
                        "message accepted",
                        metadata: [
                            "channel": "\(message.channel.rawValue)", "provider": "\(provider.name)", "attempt": "\(attempt)",
                            "message_id": "\(id ?? "-")",
                            "to": "\(message.to.masked)",
                        ])
                    return SentMessage(provider: provider.name, messageID: id)
                } catch {
                    spent += ContinuousClock.now - started
                    logger.warning(
                        "delivery attempt failed",
                        metadata: [
                            "channel": "\(message.channel.rawValue)", "provider": "\(provider.name)", "attempt": "\(attempt)", "reason": "\(error)",
                            "to": "\(message.to.masked)",
                        ])
                    switch error {
                    case .invalidNumber:
                        metrics?.sms(.failed, provider: provider.name)
                        throw AppError.invalidPhone
                    case .regionRefused:
                        metrics?.sms(.failed, provider: provider.name)
                        throw AppError.marketNotSupported
                    case .unreachable:
                        metrics?.sms(.failed, provider: provider.name)
                        throw AppError.channelUnreachable
                    case .rejected:
                        metrics?.sms(.failed, provider: provider.name)
                        break attempts
                    case .transient(_, let retryAfter):
                        if let retryAfter { retryAfterHint = max(retryAfterHint ?? .zero, retryAfter) }
                        let wait = max(retryAfter ?? .zero, policy.backoff(afterAttempt: attempt, random: random))
                        guard attempt < policy.maxAttempts, spent + wait < policy.providerBudget else {
                            metrics?.sms(.failed, provider: provider.name)
                            break attempts
                        }
                        metrics?.sms(.retried, provider: provider.name)
                        try await sleep(wait)
                        spent += wait
                    }
                }
            }
        }
        let seconds = max(30, Int((retryAfterHint ?? .zero).components.seconds))
        throw AppError.smsUnavailable.retrying(after: seconds)
    }
}
