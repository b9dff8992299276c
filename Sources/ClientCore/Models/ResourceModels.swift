import Foundation

/// An address in the user's address book.
public struct Address: Codable, Sendable, Equatable {
    public var id: Int64
    public var label: String?
    public var line1: String
    public var line2: String?
    public var city: String
    public var region: String?
    public var postalCode: String?
    public var country: String
    /// This version's tag, for `If-Match` when editing it.
    public var etag: String?

    enum CodingKeys: String, CodingKey {
        case id, label, line1, line2, city, region, country, etag
        case postalCode = "postal_code"
    }
}

/// Fields to create an address with, or to change (nil: leave as is).
public struct AddressFields: Codable, Sendable, Equatable {
    public var label: String?
    public var line1: String?
    public var line2: String?
    public var city: String?
    public var region: String?
    public var postalCode: String?

    public init(
        label: String? = nil, line1: String? = nil, line2: String? = nil, city: String? = nil, region: String? = nil,
        postalCode: String? = nil
    ) {
        self.label = label
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postalCode = postalCode
    }

    enum CodingKeys: String, CodingKey {
        case label, line1, line2, city, region
        case postalCode = "postal_code"
    }
}

/// Profile fields to change (nil: leave as is).
public struct ProfileUpdate: Codable, Sendable, Equatable {
    public var fullName: String?
    public var profileImageURL: String?
    public var language: String?

    public init(fullName: String? = nil, profileImageURL: String? = nil, language: String? = nil) {
        self.fullName = fullName
        self.profileImageURL = profileImageURL
        self.language = language
    }

    enum CodingKeys: String, CodingKey {
        case fullName = "full_name"
        case profileImageURL = "profile_image_url"
        case language
    }
}

/// The market the user's token is for.
public struct MarketInfo: Codable, Sendable, Equatable {
    public var code: String
    public var country: String
    public var callingCode: String
    public var currency: String
    public var defaultLanguage: String

    enum CodingKeys: String, CodingKey {
        case code, country, currency
        case callingCode = "calling_code"
        case defaultLanguage = "default_language"
    }
}

/// One of the user's signed-in devices.
public struct SessionInfo: Codable, Sendable, Equatable {
    public var id: String
    public var createdAt: Date
    public var lastActivityAt: Date
    public var userAgent: String?
    public var ip: String?
    public var current: Bool?

    enum CodingKeys: String, CodingKey {
        case id, ip, current
        case createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
        case userAgent = "user_agent"
    }
}

struct AddressList: Decodable, Sendable {
    var addresses: [Address]
}

struct SessionList: Decodable {
    var sessions: [SessionInfo]
}
