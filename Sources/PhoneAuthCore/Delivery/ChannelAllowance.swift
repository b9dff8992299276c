import Foundation

/// Whether one more message may go by a channel (`ChannelLimits`): the phone's own limit on it, counted from what
/// the delivery log says went out, then the channel's budgets, claimed in one transaction so concurrent instances
/// never overshoot them. Checked for each channel a send tries, after the server-wide limits passed.
package struct ChannelAllowance: Sendable {
    package let limits: ChannelLimits
    package let deliveries: any DeliveryRepository

    package init(limits: ChannelLimits, deliveries: any DeliveryRepository) {
        (self.limits, self.deliveries) = (limits, deliveries)
    }

    /// nil when a message by `channel` may go to `phone` now (its budgets then count it); else the refusal, with
    /// when to come back.
    package func refusal(_ channel: DeliveryChannel, phone: String, now: Date) async throws -> AppError? {
        let limit = limits.limit(for: channel)
        if let most = limit.phoneWindows.map(\.max).max() {
            let sent = try await deliveries.sendTimes(phone: phone, channel: channel, since: now.addingTimeInterval(-86_400), limit: most)
            if let wait = limit.phoneRetryAfter(sent: sent, now: now) { return AppError.channelRateLimited.retrying(after: wait) }
        }
        let claims = limit.budgetClaims(now: now)
        guard !claims.isEmpty, let wait = try await deliveries.claimBudget(channel: channel, claims, now: now) else { return nil }
        return AppError.channelBudgetExhausted.retrying(after: wait)
    }
}
