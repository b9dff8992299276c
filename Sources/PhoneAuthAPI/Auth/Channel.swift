/// A way a code reaches the user. The known ones are constants; a newer server may name others, which decode too.
public struct Channel: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// A channel by its wire name.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A text message.
    public static let sms = Channel(rawValue: "sms")
    /// A WhatsApp message from the app's business account, with a copy-code button.
    public static let whatsapp = Channel(rawValue: "whatsapp")
    /// A message from Telegram's verification service.
    public static let telegram = Channel(rawValue: "telegram")
    /// A phone call that reads the code out twice.
    public static let voice = Channel(rawValue: "voice")

    /// Decodes the bare string.
    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    /// Encodes the bare string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The wire name.
    public var description: String { rawValue }
}

/// Another channel a send's answer offers, and when it may be asked for.
public struct ChannelOffer: Codable, Sendable, Equatable {
    /// The channel.
    public var channel: Channel
    /// Seconds before a send-code naming this channel is accepted (0: now).
    public var availableIn: Int

    /// An offer of `channel` in `availableIn` seconds.
    public init(channel: Channel, availableIn: Int) {
        (self.channel, self.availableIn) = (channel, availableIn)
    }

    package enum CodingKeys: String, CodingKey {
        case channel
        case availableIn = "available_in"
    }
}
