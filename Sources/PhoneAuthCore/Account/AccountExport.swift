import Foundation

/// Everything stored about one user, as `GET /api/v1/account/export` hands it over (the README lists each field):
/// no other user's data, and no secret or hash (refresh tokens, codes and digests stay out).
package struct AccountExport: Sendable, Encodable {
    package struct Profile: Sendable, Encodable {
        package var id: Int64
        package var phoneNumber: String
        @ExplicitNull package var fullName: String? = nil
        @ExplicitNull package var profileImageURL: String? = nil
        package var market: String
        package var language: String
        package var country: String
        package var role: String
        package var isActive: Bool
        package var createdAt: Date
        package var updatedAt: Date
        @ExplicitNull package var lastLogin: Date? = nil

        enum CodingKeys: String, CodingKey {
            case id, market, language, country, role
            case phoneNumber = "phone_number"
            case fullName = "full_name"
            case profileImageURL = "profile_image_url"
            case isActive = "is_active"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
            case lastLogin = "last_login"
        }
    }

    package struct AddressEntry: Sendable, Encodable {
        package var id: Int64
        @ExplicitNull package var label: String? = nil
        package var line1: String
        @ExplicitNull package var line2: String? = nil
        package var city: String
        @ExplicitNull package var region: String? = nil
        @ExplicitNull package var postalCode: String? = nil
        package var country: String
        package var createdAt: Date
        package var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, label, line1, line2, city, region, country
            case postalCode = "postal_code"
            case createdAt = "created_at"
            case updatedAt = "updated_at"
        }
    }

    /// A sign-in on one device: when, from where, until when, and how it ended.
    package struct SessionEntry: Sendable, Encodable {
        package var id: String
        @ExplicitNull package var device: String? = nil
        @ExplicitNull package var address: String? = nil
        package var signedInAt: Date
        package var lastActiveAt: Date
        package var expiresAt: Date
        package var isActive: Bool
        @ExplicitNull package var endedAt: Date? = nil

        enum CodingKeys: String, CodingKey {
            case id, device, address
            case signedInAt = "signed_in_at"
            case lastActiveAt = "last_active_at"
            case expiresAt = "expires_at"
            case isActive = "is_active"
            case endedAt = "ended_at"
        }
    }

    /// A message a provider took for the number, and what became of it.
    package struct DeliveryEntry: Sendable, Encodable {
        package var channel: String
        package var sentAt: Date
        package var state: String
        @ExplicitNull package var deliveredAt: Date? = nil

        enum CodingKeys: String, CodingKey {
            case channel, state
            case sentAt = "sent_at"
            case deliveredAt = "delivered_at"
        }
    }

    /// A ban: in force now, and the operators' bans and lifts over time.
    package struct BanEntry: Sendable, Encodable {
        package var at: Date
        package var action: String
        @ExplicitNull package var reason: String? = nil
    }

    package var exportedAt: Date
    package var profile: Profile
    package var addresses: [AddressEntry]
    package var sessions: [SessionEntry]
    package var codesSent: [SendHistoryEntry]
    package var deliveries: [DeliveryEntry]
    package var numberHistory: [NumberHistoryEntry]
    @ExplicitNull package var disabledAt: Date? = nil
    package var bans: [BanEntry]

    enum CodingKeys: String, CodingKey {
        case profile, addresses, sessions, deliveries, bans
        case exportedAt = "exported_at"
        case codesSent = "codes_sent"
        case numberHistory = "number_history"
        case disabledAt = "disabled_at"
    }
}
