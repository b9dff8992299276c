import Foundation

/// Keeps a local copy of the profile and addresses. Online, reads revalidate it with `If-None-Match` (a 304 keeps the
/// copy); offline (the server cannot be reached), reads come from it, marked stale with the time of the last sync, and
/// edits are queued durably, in order, until `sync()` pushes them.
public actor ProfileSync {
    /// The signed-in session every call goes through.
    public nonisolated let session: PhoneAuthSession
    let store: any ProfileCacheStore
    let now: @Sendable () -> Date

    /// A sync over `session`, caching in `store`; `now` is the clock (tests pin it).
    public init(session: PhoneAuthSession, store: any ProfileCacheStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.session = session
        self.store = store
        self.now = now
    }

    /// Pushes queued edits oldest first (each leaves the queue, durably, once the server has answered), then
    /// revalidates both resources. An edit the server refuses (412 when the resource changed meanwhile, or another 4xx)
    /// is dropped and reported: the server's version wins. Offline, or on a server failure, the rest stays queued.
    @discardableResult
    public func sync() async throws -> SyncReport {
        var cache = try store.load(server: session.client.baseURL)
        var pushed = 0
        var dropped: [DroppedEdit] = []
        while let edit = cache.pending.first {
            do {
                try await push(edit)
                pushed += 1
            } catch let error as PhoneAuthClientError {
                guard case .server(let status, let code, let message, _) = error, (400..<500).contains(status), status != 401 else {
                    try store.save(cache, server: session.client.baseURL)
                    throw error
                }
                dropped.append(DroppedEdit(edit: edit, code: code, message: message))
            }
            cache.pending.removeFirst()
            try store.save(cache, server: session.client.baseURL)
        }
        try await refreshProfile(&cache)
        try await refreshAddresses(&cache)
        let time = now()
        cache.lastSync = time
        try store.save(cache, server: session.client.baseURL)
        return SyncReport(pushed: pushed, dropped: dropped, lastSync: time)
    }

    private func push(_ edit: PendingEdit) async throws {
        switch edit {
        case .updateProfile(let update, let ifMatch):
            _ = try await session.updateProfile(update, ifMatch: ifMatch)
        case .addAddress(let fields, let key):
            _ = try await session.addAddress(fields, idempotencyKey: key)
        case .editAddress(let id, let fields, let ifMatch):
            _ = try await session.updateAddress(id: id, fields, ifMatch: ifMatch)
        case .deleteAddress(let id):
            do {
                try await session.deleteAddress(id: id)
            } catch let error as PhoneAuthClientError {
                // Already gone is what the delete wanted.
                guard case .server(404, _, _, _) = error else { throw error }
            }
        }
    }

    /// The profile: revalidated with the server, or the cached copy when it cannot be reached.
    public func profile() async throws -> Cached<UserProfile> {
        try await read(\.profile) { cache in try await self.refreshProfile(&cache) }
    }

    /// The address book: revalidated with the server, or the cached copy when it cannot be reached.
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
        // A copy an older client cached lacks fields this one reads (`created_at`…): fetch it whole once, not a 304.
        let etag = cache.profile?.createdAt == nil ? nil : cache.profileETag
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
