import PhoneAuthAPI
import PhoneAuthCore

extension PhoneAuthAPI.Address {
    /// The stored address as clients see it: without its owner id, with its `etag` (so an item of a list can be
    /// edited with `If-Match`).
    init(_ address: PhoneAuthCore.Address) throws {
        self.init(fields: address)
        etag = try ETag.of(self)
    }

    /// The fields alone, what the tag is a digest of.
    init(fields address: PhoneAuthCore.Address) {
        self.init(
            id: address.id ?? 0, label: address.label, line1: address.line1, line2: address.line2, city: address.city,
            region: address.region, postalCode: address.postalCode, country: address.country, createdAt: address.createdAt,
            updatedAt: address.updatedAt)
    }
}
