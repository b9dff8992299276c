import Foundation

/// One delivery report, verified and read: which provider's message, and what it says.
package struct Receipt: Sendable, Equatable {
    package var provider: String
    package var messageID: String
    package var state: DeliveryState
    /// The provider's error code of a failure (Twilio `30003`, WhatsApp `131026`, a call's `no-answer`).
    package var errorCode: String?
    package var at: Date

    package init(provider: String, messageID: String, state: DeliveryState, errorCode: String? = nil, at: Date) {
        (self.provider, self.messageID, self.state, self.errorCode, self.at) = (provider, messageID, state, errorCode, at)
    }
}

/// A send as the delivery log keeps it.
package struct DeliveryRecord: Sendable, Equatable {
    package var channel: DeliveryChannel
    package var market: String
    package var provider: String
    package var state: DeliveryState
    package var sentAt: Date
    package var deliveredAt: Date?
    package var failedAt: Date?
    package var errorCode: String?

    package init(
        channel: DeliveryChannel, market: String, provider: String, state: DeliveryState, sentAt: Date, deliveredAt: Date? = nil,
        failedAt: Date? = nil, errorCode: String? = nil
    ) {
        (self.channel, self.market, self.provider, self.state, self.sentAt) = (channel, market, provider, state, sentAt)
        (self.deliveredAt, self.failedAt, self.errorCode) = (deliveredAt, failedAt, errorCode)
    }
}

/// What applying a receipt did.
package enum ReceiptOutcome: Sendable, Equatable {
    /// No send has that provider and id (logged and ignored: the provider is told all is well, or it would retry).
    case unknown
    /// A repeat or older news: nothing changed, nothing is counted again.
    case unchanged
    /// The send moved from one state to another.
    case advanced(DeliveryRecord, from: DeliveryState)
}
