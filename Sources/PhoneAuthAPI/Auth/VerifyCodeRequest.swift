/// The body of `POST /auth/verify-code`: the code with the `verification_id` its send returned, or (for a code whose
/// id is lost, with a smaller try budget) with the phone number.
public struct VerifyCodeRequest: Codable, Sendable, Equatable {
    /// The phone the code was texted to, when the verification id is not at hand.
    public var phone: String?
    /// The send's ``CodeSent/verificationID``.
    public var verificationID: String?
    /// The code the user typed.
    public var verificationCode: String

    /// A try of `code` on the send named by `verificationID` (or on the newest send to `phone`).
    public init(verificationID: String? = nil, phone: String? = nil, code: String) {
        (self.verificationID, self.phone, self.verificationCode) = (verificationID, phone, code)
    }

    /// `phone` and `verification_id` may be left out, but not sent as `null`: the contract has no null for them.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        phone = try container.decodeIfPresentNotNull(String.self, forKey: .phone)
        verificationID = try container.decodeIfPresentNotNull(String.self, forKey: .verificationID)
        verificationCode = try container.decode(String.self, forKey: .verificationCode)
    }

    package enum CodingKeys: String, CodingKey {
        case phone
        case verificationID = "verification_id"
        case verificationCode = "verification_code"
    }
}
