import Foundation
import Hummingbird
import PhoneAuthCore

/// An address as clients see it: the stored row without its owner id, plus its `etag` (so an item of a list can be
/// edited with `If-Match`). Every key is always present, `null` when empty.
struct AddressResponse: ResponseEncodable {
    let address: Address

    init(_ address: Address) {
        self.address = address
    }

    /// The tag of this version: a digest of the fields, the same value as the `ETag` header of a single address.
    var etag: String {
        get throws { try ETag.of(Fields(address: address)) }
    }

    private enum ExtraKey: String, CodingKey {
        case etag
    }

    func encode(to encoder: any Encoder) throws {
        try Fields(address: address).encode(to: encoder)
        var container = encoder.container(keyedBy: ExtraKey.self)
        try container.encode(try etag, forKey: .etag)
    }
}

extension AddressResponse {
    /// The fields alone, what the tag is computed over.
    private struct Fields: Encodable {
        let address: Address

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
}
