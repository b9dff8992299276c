/// The body of `POST /auth/send-code`. `challenge` and `solution` together repeat a send-code that was answered 428
/// `challenge_required`, with the proof of work solved. `language` and `app_hash` shape the text.
public struct SendCodeRequest: Codable, Sendable, Equatable {
    /// The phone number to text, in E.164 or as typed (`+1 312 555 0100`).
    public var phone: String
    /// The challenge token of the 428 answer.
    public var challenge: String?
    /// Its solution.
    public var solution: String?
    /// The language to word the message in (a BCP 47 tag such as `ky-KG`); one the server has no texts for falls back
    /// to the user's language, then the market's.
    public var language: String?
    /// An Android app's SMS Retriever hash (11 characters), so the app reads the code itself; one the server was not
    /// configured with is ignored.
    public var appHash: String?
    /// The channel to send by, one the 202 of an earlier send offered; none: the market's first.
    public var channel: Channel?

    /// A send to `phone`, with a solved challenge when the server asked for one.
    public init(
        phone: String, challenge: String? = nil, solution: String? = nil, language: String? = nil, appHash: String? = nil, channel: Channel? = nil
    ) {
        (self.phone, self.challenge, self.solution) = (phone, challenge, solution)
        (self.language, self.appHash, self.channel) = (language, appHash, channel)
    }

    /// `challenge` and `solution` may be left out, but not sent as `null`: the contract has no null for them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phone = try container.decode(String.self, forKey: .phone)
        challenge = try container.decodeIfPresentNotNull(String.self, forKey: .challenge)
        solution = try container.decodeIfPresentNotNull(String.self, forKey: .solution)
        language = try container.decodeIfPresentNotNull(String.self, forKey: .language)
        appHash = try container.decodeIfPresentNotNull(String.self, forKey: .appHash)
        channel = try container.decodeIfPresentNotNull(Channel.self, forKey: .channel)
    }

    package enum CodingKeys: String, CodingKey {
        case phone, challenge, solution, language, channel
        case appHash = "app_hash"
    }
}
