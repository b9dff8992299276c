import Foundation

/// The fields of an address a user supplies; ownership, country and timestamps are the server's.
package struct AddressFields: Sendable, Equatable {
    package var label: String?
    package var line1: String
    package var line2: String?
    package var city: String
    package var region: String?
    package var postalCode: String?
}

package enum AddressInsertOutcome: Sendable, Equatable {
    case created(Address)
    case limitReached
}

/// Addresses, always scoped to their owner: another user's id behaves as a missing one.
package protocol AddressRepository: Sendable {
    func list(userID: Int64) async throws -> [Address]
    func find(id: Int64, userID: Int64) async throws -> Address?
    /// Count then insert, atomically: at most `limit` addresses per user, however many creates race.
    func insert(_ fields: AddressFields, userID: Int64, country: String, limit: Int, now: Date) async throws -> AddressInsertOutcome
    /// Atomically: nil when no such address is the user's, or, with `ifUnchangedSince`, when it changed after that
    /// instant (checked and written under one lock).
    func update(id: Int64, userID: Int64, _ fields: AddressFields, ifUnchangedSince: Date?, now: Date) async throws -> Address?
    /// Returns false when no such address belongs to the user.
    func delete(id: Int64, userID: Int64) async throws -> Bool
}
