import Foundation

/// The answer to `POST /auth/send-code`.
public struct CodeSent: Codable, Sendable, Equatable {
    /// Always `sent`.
    public var status: String
    /// Names this send: pass it with the code to `verifyCode(verificationID:code:)`. Only someone holding it can spend
    /// this code's tries, so keep it in memory until the user has typed the code.
    public var verificationID: String
    /// Seconds the code stays valid.
    public var expiresIn: Int
    /// Seconds before another code may be requested.
    public var resendAfter: Int

    enum CodingKeys: String, CodingKey {
        case status
        case verificationID = "verification_id"
        case expiresIn = "expires_in"
        case resendAfter = "resend_after"
    }
}

/// A signed-in session as returned by `POST /auth/verify-code` and `POST /auth/refresh`.
public struct TokenGrant: Codable, Sendable, Equatable {
    /// The bearer token for API calls, valid for ``expiresIn`` seconds.
    public var accessToken: String
    /// Always `Bearer`.
    public var tokenType: String
    /// Seconds until the access token expires.
    public var expiresIn: Int
    /// Trades for a new pair at `POST /auth/refresh`; single use.
    public var refreshToken: String
    /// Seconds until the refresh token expires unless used.
    public var refreshExpiresIn: Int
    /// The signed-in user, as stored on the server now.
    public var user: UserProfile

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case refreshExpiresIn = "refresh_expires_in"
        case user
    }
}

/// The user as the server describes them.
public struct UserProfile: Codable, Sendable, Equatable {
    /// The user's id on the server.
    public var id: Int64
    /// The phone number in E.164 (`+996555123456`).
    public var phoneNumber: String
    /// The name the user gave, if any.
    public var fullName: String?
    /// An `https` URL of the user's picture, if any.
    public var profileImageURL: String?
    /// False once the user logged out everywhere (signing in again activates them).
    public var isActive: Bool
    /// True once a texted code was verified.
    public var isVerified: Bool
    /// The market (`us`, `kg`, …) the phone's country code decides, which decides what the API serves.
    public var market: String
    /// The user's language code (`en`, `ru`, `ky`).
    public var language: String
    /// The market's country name.
    public var country: String
    /// When the user last signed in with a code (nil in a profile cached by an older client).
    public var lastLogin: Date?
    /// When the account was made.
    public var createdAt: Date?
    /// When the profile last changed.
    public var updatedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case phoneNumber = "phone_number"
        case fullName = "full_name"
        case profileImageURL = "profile_image_url"
        case isActive = "is_active"
        case isVerified = "is_verified"
        case market, language, country
        case lastLogin = "last_login"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// The server's error body, `{"error":{"code","message"}}`.
struct ServerErrorBody: Decodable {
    struct Detail: Decodable {
        var code: String
        var message: String
        /// `challenge_required` only.
        var challenge: String?
        var difficulty: Int?
        var expiresIn: Int?
        var field: String?
        var attemptsRemaining: Int?
        var retryAfter: Int?

        enum CodingKeys: String, CodingKey {
            case code, message, challenge, difficulty, field
            case expiresIn = "expires_in"
            case attemptsRemaining = "attempts_remaining"
            case retryAfter = "retry_after"
        }
    }

    var error: Detail
}
