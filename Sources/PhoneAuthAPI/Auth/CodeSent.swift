/// The answer to `POST /auth/send-code` (202).
public struct CodeSent: Codable, Sendable, Equatable {
    /// Always `sent`.
    public var status: String
    /// Names this send: pass it with the code to verify-code. Only someone holding it can spend this code's tries, so
    /// keep it in memory until the user has typed the code. The server stores only its hash.
    public var verificationID: String
    /// Seconds the code stays valid.
    public var expiresIn: Int
    /// Seconds before another code may be requested.
    public var resendAfter: Int
    /// The channel the code went by.
    public var channel: Channel
    /// The market's other channels, in its order, with when each may be asked for (send-code's `channel`).
    public var channels: [ChannelOffer]

    /// A send's answer.
    public init(
        status: String = "sent", verificationID: String, expiresIn: Int, resendAfter: Int, channel: Channel = .sms, channels: [ChannelOffer] = []
    ) {
        (self.status, self.verificationID, self.expiresIn, self.resendAfter) = (status, verificationID, expiresIn, resendAfter)
        (self.channel, self.channels) = (channel, channels)
    }

    /// A server from before channels answered without them: its codes went by SMS.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(String.self, forKey: .status)
        verificationID = try container.decode(String.self, forKey: .verificationID)
        expiresIn = try container.decode(Int.self, forKey: .expiresIn)
        resendAfter = try container.decode(Int.self, forKey: .resendAfter)
        channel = try container.decodeIfPresent(Channel.self, forKey: .channel) ?? .sms
        channels = try container.decodeIfPresent([ChannelOffer].self, forKey: .channels) ?? []
    }

    package enum CodingKeys: String, CodingKey {
        case status, channel, channels
        case verificationID = "verification_id"
        case expiresIn = "expires_in"
        case resendAfter = "resend_after"
    }
}
