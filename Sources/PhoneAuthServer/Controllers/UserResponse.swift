import Foundation
import Hummingbird
import PhoneAuthCore

/// The user as clients see it: a row just read from the database, minus server-only columns (`tokens_valid_after`).
/// Every key is always present, `null` when empty.
struct UserResponse: ResponseEncodable {
    let user: User

    init(_ user: User) {
        self.user = user
    }

    private typealias Key = User.CodingKeys

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(user.id, forKey: .id)
        try container.encode(user.phoneNumber, forKey: .phoneNumber)
        try container.encode(user.fullName, forKey: .fullName)
        try container.encode(user.profileImageURL, forKey: .profileImageURL)
        try container.encode(user.isActive, forKey: .isActive)
        try container.encode(user.isVerified, forKey: .isVerified)
        try container.encode(user.lastLogin, forKey: .lastLogin)
        try container.encode(user.market, forKey: .market)
        try container.encode(user.language, forKey: .language)
        try container.encode(user.country, forKey: .country)
        try container.encode(user.createdAt, forKey: .createdAt)
        try container.encode(user.updatedAt, forKey: .updatedAt)
    }
}
