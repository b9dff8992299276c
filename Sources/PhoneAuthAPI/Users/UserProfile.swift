import Foundation

/// The user as the server describes them (`GET /api/v1/profile`, and in every ``TokenGrant``). Every key is always
/// written, `null` when empty, so the JSON's shape does not depend on what the user filled in.
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

    /// A profile as stored.
    public init(
        id: Int64, phoneNumber: String, fullName: String?, profileImageURL: String?, isActive: Bool, isVerified: Bool,
        market: String, language: String, country: String, lastLogin: Date?, createdAt: Date?, updatedAt: Date?
    ) {
        self.id = id
        self.phoneNumber = phoneNumber
        self.fullName = fullName
        self.profileImageURL = profileImageURL
        self.isActive = isActive
        self.isVerified = isVerified
        self.market = market
        self.language = language
        self.country = country
        self.lastLogin = lastLogin
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    package enum CodingKeys: String, CodingKey {
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

    /// Every key, `null` for an empty one.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(phoneNumber, forKey: .phoneNumber)
        try container.encode(fullName, forKey: .fullName)
        try container.encode(profileImageURL, forKey: .profileImageURL)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(isVerified, forKey: .isVerified)
        try container.encode(lastLogin, forKey: .lastLogin)
        try container.encode(market, forKey: .market)
        try container.encode(language, forKey: .language)
        try container.encode(country, forKey: .country)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }
}
