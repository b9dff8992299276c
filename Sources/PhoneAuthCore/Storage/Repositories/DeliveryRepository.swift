import Foundation

/// The delivery log: every message a provider took, with what its receipts said since. It decides a channel switch
/// (`ChannelFallback`) and feeds the delivery counters; receipts change it only forward (`DeliveryState`).
package protocol DeliveryRepository: Sendable {
    /// A message a provider took for `phone`; `messageID` nil when the provider names none (receipts cannot find it).
    func record(_ record: DeliveryRecord, phone: String, messageID: String?) async throws
    /// The phone's newest send by any channel.
    func latest(phone: String) async throws -> DeliveryRecord?
    /// Applies a verified receipt in one transaction, so the same receipt twice, or two at once, count once.
    func apply(_ receipt: Receipt) async throws -> ReceiptOutcome
    /// When the phone's messages by `channel` since `since` were taken, newest first, at most `limit` of them: the
    /// per-phone limits of a channel (`ChannelLimits`) count what actually went out by it.
    func sendTimes(phone: String, channel: DeliveryChannel, since: Date, limit: Int) async throws -> [Date]
    /// Claims one message in each of the channel's budgets (`claims`) if every one has room, in one transaction that
    /// concurrent instances cannot both pass; else claims nothing and returns the seconds until all have room.
    func claimBudget(channel: DeliveryChannel, _ claims: [BudgetRing.Claim], now: Date) async throws -> Int?
    /// Per channel and market, the sends since `since` and what became of them (the console's delivery table).
    func stats(since: Date) async throws -> [DeliveryStats]
}

/// What became of one channel's sends in one market over a period.
package struct DeliveryStats: Sendable, Equatable {
    package var channel: DeliveryChannel
    package var market: String
    package var sent: Int
    package var delivered: Int
    package var failed: Int
    /// Sends whose phone signed in within the hour after.
    package var verified: Int
    /// Seconds from send to delivery, summed over the delivered ones.
    package var deliverySeconds: Double

    package init(channel: DeliveryChannel, market: String, sent: Int, delivered: Int, failed: Int, verified: Int, deliverySeconds: Double) {
        (self.channel, self.market, self.sent, self.delivered, self.failed) = (channel, market, sent, delivered, failed)
        (self.verified, self.deliverySeconds) = (verified, deliverySeconds)
    }

    package var deliveryRate: Double? { sent > 0 ? Double(delivered) / Double(sent) : nil }
    package var conversion: Double? { sent > 0 ? Double(verified) / Double(sent) : nil }
    package var averageDeliverySeconds: Double? { delivered > 0 ? deliverySeconds / Double(delivered) : nil }
}

extension DeliveryRecord {
    /// The record after `receipt`, which `advanced(to:)` allowed.
    package func applying(_ receipt: Receipt, state: DeliveryState) -> DeliveryRecord {
        var next = self
        next.state = state
        if state.isDelivered, next.deliveredAt == nil { next.deliveredAt = receipt.at }
        if state.isFailure {
            next.failedAt = receipt.at
            next.errorCode = receipt.errorCode
        }
        return next
    }
}
