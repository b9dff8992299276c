/// The body of `POST /api/v1/profile/addresses` (to create one) and `PATCH /api/v1/profile/addresses/{id}` (to change one): a nil
/// field is not sent and, on PATCH, stays as it is; the server also takes an explicit `null`, which clears the field.
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

    package enum CodingKeys: String, CodingKey {
        case label, line1, line2, city, region
        case postalCode = "postal_code"
    }
}
