import Foundation

/// Keeps a local copy of the profile and addresses. Online, reads revalidate it with `If-None-Match` (a 304 keeps the
/// copy); offline (the server cannot be reached), reads come from it, marked stale with the time of the last sync.
public actor ProfileSync {
    public let session: PhoneAuthSession
    private let store: any ProfileCacheStore
    private let now: @Sendable () -> Date

    public init(session: PhoneAuthSession, store: any ProfileCacheStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.session = session
        self.store = store
        self.now = now
    }

    /// Revalidates both resources; returns the sync time.
    @discardableResult
    public func sync() async throws -> Date {
        var cache = try store.load(server: session.client.baseURL)
        try await refreshProfile(&cache)
        try await refreshAddresses(&cache)
        let time = now()
        cache.lastSync = time
        try store.save(cache, server: session.client.baseURL)
        return time
    }

    public func profile() async throws -> Cached<UserProfile> {
        try await read(\.profile) { cache in try await self.refreshProfile(&cache) }
    }

    public func addresses() async throws -> Cached<[Address]> {
        try await read(\.addresses) { cache in try await self.refreshAddresses(&cache) }
    }

    /// Online: refresh, save, answer fresh. Offline: the cached copy, stale; with no copy, the offline error.
    private func read<Value: Sendable>(_ keyPath: KeyPath<ProfileCache, Value?>, refresh: (inout ProfileCache) async throws -> Void)
        async throws -> Cached<Value>
    {
        var cache = try store.load(server: session.client.baseURL)
        do {
            try await refresh(&cache)
            cache.lastSync = now()
            try store.save(cache, server: session.client.baseURL)
            guard let value = cache[keyPath: keyPath] else { throw PhoneAuthClientError.unexpectedResponse("empty answer") }
            return Cached(value: value, isStale: false, lastSync: cache.lastSync)
        } catch let error as PhoneAuthClientError where error.isOffline {
            guard let value = cache[keyPath: keyPath] else { throw error }
            return Cached(value: value, isStale: true, lastSync: cache.lastSync)
        }
    }

    private func refreshProfile(_ cache: inout ProfileCache) async throws {
        let etag = cache.profileETag
        let answer: Revalidated<UserProfile> = try await session.authorized { token in
            try await self.session.client.revalidate("api/v1/profile", token: token, etag: etag)
        }
        if let fresh = answer.value {
            cache.profile = fresh
            cache.profileETag = answer.etag
        }
    }

    private func refreshAddresses(_ cache: inout ProfileCache) async throws {
        let etag = cache.addressesETag
        let answer: Revalidated<AddressList> = try await session.authorized { token in
            try await self.session.client.revalidate("api/v1/profile/addresses", token: token, etag: etag)
        }
        if let fresh = answer.value {
            cache.addresses = fresh.addresses
            cache.addressesETag = answer.etag
        }
    }
}
