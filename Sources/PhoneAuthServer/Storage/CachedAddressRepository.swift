import Foundation

/// Address books read through the auth-state cache, under its guarantees: the change signal is checked before every
/// cached read (and the cache bypassed when it cannot vouch), every write empties it, and a read that raced a write
/// is not kept. Writes go straight to the database.
struct CachedAddressRepository: AddressRepository {
    let base: any AddressRepository
    let cache: AuthStateCache
    let signal: any StorageChangeSignal
    let now: WallClock

    func list(userID: Int64) async throws -> [Address] {
        guard await signal.validate(cache) else {
            cache.recordBypass()
            return try await base.list(userID: userID)
        }
        let found = cache.lookupAddresses(userID: userID, now: now())
        if let addresses = found.addresses { return addresses }
        let addresses = try await base.list(userID: userID)
        cache.storeAddresses(addresses, userID: userID, readAt: found.generation, now: now())
        return addresses
    }

    func find(id: Int64, userID: Int64) async throws -> Address? { try await base.find(id: id, userID: userID) }

    func insert(_ fields: AddressFields, userID: Int64, country: String, limit: Int, now: Date) async throws -> AddressInsertOutcome {
        try await base.insert(fields, userID: userID, country: country, limit: limit, now: now)
    }

    func update(id: Int64, userID: Int64, _ fields: AddressFields, ifUnchangedSince: Date?, now: Date) async throws -> Address? {
        try await base.update(id: id, userID: userID, fields, ifUnchangedSince: ifUnchangedSince, now: now)
    }

    func delete(id: Int64, userID: Int64) async throws -> Bool { try await base.delete(id: id, userID: userID) }
}
