import Foundation

/// A row of `addresses`; always owned by exactly one user.
package struct Address: Codable, Sendable, Hashable {
    package var id: Int64?
    package var userID: Int64
    package var label: String?
    package var line1: String
    package var line2: String?
    package var city: String
    package var region: String?
    package var postalCode: String?
    package var country: String
    package var createdAt: Date
    package var updatedAt: Date

    package init(
        id: Int64? = nil,
        userID: Int64,
        label: String? = nil,
        line1: String,
        line2: String? = nil,
        city: String,
        region: String? = nil,
        postalCode: String? = nil,
        country: String,
        createdAt: Date,
        updatedAt: Date
    ) {
        self.id = id
        self.userID = userID
        self.label = label
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    package enum CodingKeys: String, CodingKey {
        case id
        case userID = "user_id"
        case label, line1, line2, city, region
        case postalCode = "postal_code"
        case country
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
