import Foundation

/// An address in the user's address book, with its ``etag`` so an item of a list can be edited with `If-Match`.
/// Every key but `etag` is always written, `null` when empty.
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
    /// When it was added (nil in an address cached by an older client).
    public var createdAt: Date?
    /// When it last changed.
    public var updatedAt: Date?
    /// This version's tag, for `If-Match` when editing it: a digest of the other fields, the `ETag` header of the
    /// address alone.
    public var etag: String?

    /// An address as stored.
    public init(
        id: Int64, label: String?, line1: String, line2: String?, city: String, region: String?, postalCode: String?,
        country: String, createdAt: Date?, updatedAt: Date?, etag: String? = nil
    ) {
        self.id = id
        self.label = label
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.etag = etag
    }

    package enum CodingKeys: String, CodingKey {
        case id, label, line1, line2, city, region, country, etag
        case postalCode = "postal_code"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// Every field, `null` for an empty one; `etag` only when set (the tag is the digest of the encoding without it).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encode(line1, forKey: .line1)
        try container.encode(line2, forKey: .line2)
        try container.encode(city, forKey: .city)
        try container.encode(region, forKey: .region)
        try container.encode(postalCode, forKey: .postalCode)
        try container.encode(country, forKey: .country)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encodeIfPresent(etag, forKey: .etag)
    }
}
