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
