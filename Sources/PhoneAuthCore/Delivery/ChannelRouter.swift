import Logging

/// Hands each message to its channel's providers (`FailoverDispatcher`). A channel without providers is refused
/// before anything is sent: configuration guarantees it never happens for a channel a market offers.
package struct ChannelRouter: MessageGateway {
    package let channels: [DeliveryChannel: any MessageGateway]

    package init(channels: [DeliveryChannel: any MessageGateway]) {
        self.channels = channels
    }

    package func send(_ message: CodeMessage, logger: Logger) async throws -> SentMessage {
        guard let gateway = channels[message.channel] else { throw AppError.channelNotOffered }
        return try await gateway.send(message, logger: logger)
    }
}
