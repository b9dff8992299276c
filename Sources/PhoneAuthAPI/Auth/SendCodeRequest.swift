/// The body of `POST /auth/send-code`. `challenge` and `solution` together repeat a send-code that was answered 428
/// `challenge_required`, with the proof of work solved.
public struct SendCodeRequest: Codable, Sendable, Equatable {
    /// The phone number to text, in E.164 or as typed (`+1 312 555 0100`).
    public var phone: String
    /// The challenge token of the 428 answer.
    public var challenge: String?
    /// Its solution.
    public var solution: String?

    /// A send to `phone`, with a solved challenge when the server asked for one.
    public init(phone: String, challenge: String? = nil, solution: String? = nil) {
        (self.phone, self.challenge, self.solution) = (phone, challenge, solution)
    }

    /// `challenge` and `solution` may be left out, but not sent as `null`: the contract has no null for them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phone = try container.decode(String.self, forKey: .phone)
        challenge = try container.decodeIfPresentNotNull(String.self, forKey: .challenge)
        solution = try container.decodeIfPresentNotNull(String.self, forKey: .solution)
    }

    package enum CodingKeys: String, CodingKey {
        case phone, challenge, solution
    }
}
