import Foundation

/// Address books read through the auth-state cache, under its guarantees: the change signal is checked before every
/// cached read (and the cache bypassed when it cannot vouch), every write empties it, and a read that raced a write
/// is not kept. Writes go straight to the database.
package struct CachedAddressRepository: AddressRepository {
    package let base: any AddressRepository
    package let cache: AuthStateCache
    package let signal: any StorageChangeSignal
    package let now: WallClock

    package init(base: any AddressRepository, cache: AuthStateCache, signal: any StorageChangeSignal, now: @escaping WallClock) {
        self.base = base
        self.cache = cache
        self.signal = signal
        self.now = now
    }

    package func list(userID: Int64) async throws -> [Address] {
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

    package func find(id: Int64, userID: Int64) async throws -> Address? { try await base.find(id: id, userID: userID) }

    package func insert(_ fields: AddressFields, userID: Int64, country: String, limit: Int, now: Date) async throws -> AddressInsertOutcome {
        try await base.insert(fields, userID: userID, country: country, limit: limit, now: now)
    }

    package func update(id: Int64, userID: Int64, _ fields: AddressFields, ifUnchangedSince: Date?, now: Date) async throws -> Address? {
        try await base.update(id: id, userID: userID, fields, ifUnchangedSince: ifUnchangedSince, now: now)
    }

    package func delete(id: Int64, userID: Int64) async throws -> Bool { try await base.delete(id: id, userID: userID) }
}
