import Logging

/// One code on its way to one phone through one channel.
package struct CodeMessage: Sendable, CustomStringConvertible {
    package let to: PhoneNumber
    /// The words: the SMS text on `sms`, the sentence a voice call says on `voice`. WhatsApp and Telegram send the code
    /// in their own approved wording.
    package let body: String
    /// Kept apart for the channels that take the code alone, and for the development console; never logged.
    package let code: String
    package let channel: DeliveryChannel
    package let language: MessageLanguage
    /// The text-to-speech voice (a BCP 47 tag) of a voice call.
    package let voice: String?
    /// How long the code lives: a messenger may delete the unread message after it.
    package let lifetime: Duration
    /// The SMS sender the number's market asks for (`--sms-sender`); nil: the provider's default.
    package let sender: SMSSender?

    package init(
        to: PhoneNumber, body: String, code: String, channel: DeliveryChannel = .sms, language: MessageLanguage = .english,
        voice: String? = nil, lifetime: Duration = .seconds(300), sender: SMSSender? = nil
    ) {
        (self.to, self.body, self.code, self.channel) = (to, body, code, channel)
        (self.language, self.voice, self.lifetime, self.sender) = (language, voice, lifetime, sender)
    }

    /// Safe to log: neither the body (it holds the code) nor the full number.
    package var description: String { "\(channel.rawValue) message to \(to.masked)" }
}

/// What a provider said when it took a message: its name and its id for the message (receipts name that id).
package struct SentMessage: Sendable, Equatable {
    package var provider: String
    /// nil when the provider names none (the console, a webhook that sends no `X-Message-Id`).
    package var messageID: String?

    package init(provider: String, messageID: String?) {
        (self.provider, self.messageID) = (provider, messageID)
    }
}

/// Where codes leave the building (`ChannelRouter` in production). It throws `AppError` for what the client should hear
/// (`invalid_phone`, `market_not_supported`, `channel_unreachable`, `sms_unavailable`). Implementations must not block
/// the caller's thread.
package protocol MessageGateway: Sendable {
    func send(_ message: CodeMessage, logger: Logger) async throws -> SentMessage
}
