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

    /// A send's answer.
    public init(status: String = "sent", verificationID: String, expiresIn: Int, resendAfter: Int) {
        (self.status, self.verificationID, self.expiresIn, self.resendAfter) = (status, verificationID, expiresIn, resendAfter)
    }

    package enum CodingKeys: String, CodingKey {
        case status
        case verificationID = "verification_id"
        case expiresIn = "expires_in"
        case resendAfter = "resend_after"
    }
}
