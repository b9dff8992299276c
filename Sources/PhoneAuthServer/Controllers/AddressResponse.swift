import Foundation
import Hummingbird

/// An address as clients see it: the stored row without its owner id. Every key is always present, `null` when empty.
struct AddressResponse: ResponseEncodable {
    let address: Address

    init(_ address: Address) {
        self.address = address
    }

    private typealias Key = Address.CodingKeys

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(address.id, forKey: .id)
        try container.encode(address.label, forKey: .label)
        try container.encode(address.line1, forKey: .line1)
        try container.encode(address.line2, forKey: .line2)
        try container.encode(address.city, forKey: .city)
        try container.encode(address.region, forKey: .region)
        try container.encode(address.postalCode, forKey: .postalCode)
        try container.encode(address.country, forKey: .country)
        try container.encode(address.createdAt, forKey: .createdAt)
        try container.encode(address.updatedAt, forKey: .updatedAt)
    }
}
