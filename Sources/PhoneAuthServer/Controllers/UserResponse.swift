import Foundation
import Hummingbird

/// The user as clients see it: always built from a row just read from the database.
struct UserResponse: ResponseEncodable, Equatable {
    var id: Int64
    var phoneNumber: String
    var fullName: String?
    var profileImageURL: String?
    var isActive: Bool
    var isVerified: Bool
    var lastLogin: Date?
    var market: String
    var language: String
    var country: String
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case phoneNumber = "phone_number"
        case fullName = "full_name"
        case profileImageURL = "profile_image_url"
        case isActive = "is_active"
        case isVerified = "is_verified"
        case lastLogin = "last_login"
        case market, language, country
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ user: User) {
        id = user.id ?? 0
        phoneNumber = user.phoneNumber
        fullName = user.fullName
        profileImageURL = user.profileImageURL
        isActive = user.isActive
        isVerified = user.isVerified
        lastLogin = user.lastLogin
        market = user.market
        language = user.language
        country = user.country
        createdAt = user.createdAt
        updatedAt = user.updatedAt
    }

    // Explicit nulls, so clients always see every key.
    func encode(to encoder: any Encoder) throws {
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
