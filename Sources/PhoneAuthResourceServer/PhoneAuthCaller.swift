import Foundation

/// The signed-in user a PhoneAuth access token names, as a resource server needs it: who, in which market, with
/// which role, on which session, until when.
public struct PhoneAuthCaller: Sendable, Equatable {
    /// The user's id in PhoneAuth.
    public let userID: Int64
    /// The market the token was issued for (`us`, `kg`, …): the one whose API the caller may use.
    public let market: String
    /// `user` or `admin`, as the user's role was when the token was issued.
    public let role: String
    /// The PhoneAuth session the token belongs to; revocations name it.
    public let sessionID: String
    /// When the token was issued.
    public let issuedAt: Date
    /// When the token stops being valid (30 minutes after it was issued).
    public let expiresAt: Date

    /// A caller as a verified token names it.
    public init(userID: Int64, market: String, role: String, sessionID: String, issuedAt: Date, expiresAt: Date) {
        (self.userID, self.market, self.role, self.sessionID) = (userID, market, role, sessionID)
        (self.issuedAt, self.expiresAt) = (issuedAt, expiresAt)
    }
}
