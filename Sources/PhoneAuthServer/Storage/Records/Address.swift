import Foundation

/// A row of `addresses`; always owned by exactly one user.
struct Address: Codable, Sendable, Hashable {
    var id: Int64?
    var userID: Int64
    var label: String?
    var line1: String
    var line2: String?
    var city: String
    var region: String?
    var postalCode: String?
    var country: String
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case userID = "user_id"
        case label, line1, line2, city, region
        case postalCode = "postal_code"
        case country
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
