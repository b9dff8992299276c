import Foundation

/// What creating or editing an address does, decided once for every backend (`AddressRepository`), from the rows
/// the backend read under its lock.
package enum AddressDecision {
    /// The new address, or `limitReached` when the user already has `limit` of them.
    package static func insert(
        _ fields: AddressFields, userID: Int64, country: String, existing count: Int, limit: Int, now: Date
    ) -> AddressInsertOutcome {
        guard count < limit else { return .limitReached }
        return .created(
            Address(
                id: nil, userID: userID, label: fields.label, line1: fields.line1, line2: fields.line2, city: fields.city,
                region: fields.region, postalCode: fields.postalCode, country: country, createdAt: now, updatedAt: now))
    }

    /// The address as edited, or nil when the client's If-Match (`ifUnchangedSince`, to the millisecond a tag
    /// carries) no longer holds: someone changed it since.
    package static func update(_ address: Address, with fields: AddressFields, ifUnchangedSince: Date?, now: Date) -> Address? {
        if let ifUnchangedSince, address.updatedAt.milliseconds != ifUnchangedSince.milliseconds { return nil }
        var edited = address
        edited.label = fields.label
        edited.line1 = fields.line1
        edited.line2 = fields.line2
        edited.city = fields.city
        edited.region = fields.region
        edited.postalCode = fields.postalCode
        edited.updatedAt = now
        return edited
    }
}
