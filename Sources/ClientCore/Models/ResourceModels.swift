import Foundation

/// An address in the user's address book.
public struct Address: Codable, Sendable, Equatable {
    /// The address's id, for editing or deleting it.
    public var id: Int64
    /// A name the user gave it (`Home`).
    public var label: String?
    /// Street and number.
    public var line1: String
    /// Flat, floor, building.
    public var line2: String?
    /// The city.
    public var city: String
    /// State or region (required in some markets).
    public var region: String?
    /// Postal code, in the market's format.
    public var postalCode: String?
    /// The market's country; set by the server.
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
    /// A name for the address (`Home`).
    public var label: String?
    /// Street and number; required to create one.
    public var line1: String?
    /// Flat, floor, building.
    public var line2: String?
    /// The city; required to create one.
    public var city: String?
    /// State or region (required in some markets).
    public var region: String?
    /// Postal code, in the market's format.
    public var postalCode: String?

    /// Fields to send; those left nil are not sent.
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
    /// A new name; nil leaves it as is.
    public var fullName: String?
    /// A new `https` picture URL; nil leaves it as is.
    public var profileImageURL: String?
    /// A language the market offers; nil leaves it as is.
    public var language: String?

    /// A change of the given fields only.
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
    /// The market's code (`us`, `kg`).
    public var code: String
    /// The country's name.
    public var country: String
    /// The international calling code, without `+`.
    public var callingCode: String
    /// ISO 4217 currency code.
    public var currency: String
    /// The language new users of the market get.
    public var defaultLanguage: String

    enum CodingKeys: String, CodingKey {
        case code, country, currency
        case callingCode = "calling_code"
        case defaultLanguage = "default_language"
    }
}

/// One of the user's signed-in devices.
public struct SessionInfo: Codable, Sendable, Equatable {
    /// The session's id, for revoking it.
    public var id: String
    /// When the code was verified on that device.
    public var createdAt: Date
    /// The last request or refresh (to within five minutes).
    public var lastActivityAt: Date
    /// The device's `User-Agent` when it signed in.
    public var userAgent: String?
    /// The address it signed in from.
    public var ip: String?
    /// True for the session the asking token belongs to.
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
