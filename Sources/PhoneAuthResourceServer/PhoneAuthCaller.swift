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

/// Why a token was refused. Each is answered the same way to the client (401); the case is for logs and metrics.
public enum TokenRejection: Error, Sendable, Equatable {
    /// Not a JWT, or its claims are not PhoneAuth's.
    case malformed
    /// The signature does not verify with any key the verifier has.
    case badSignature
    /// Signed by a key id the JWKS does not list (even after fetching it again).
    case unknownKey
    /// Past its expiry (beyond the leeway).
    case expired
    /// Issued for later (`nbf`, beyond the leeway).
    case notYetValid
    /// Another issuer's token.
    case wrongIssuer
    /// A token for another audience.
    case wrongAudience
    /// A claims version older than the verifier accepts.
    case outdatedClaims
    /// The JWKS could not be fetched, and no keys are at hand.
    case keysUnavailable
}
