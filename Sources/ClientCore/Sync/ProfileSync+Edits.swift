import Foundation

/// Edits that work offline: applied at once when the server answers, otherwise queued and applied to the local copy.
extension ProfileSync {
    /// The edits waiting for the next sync, oldest first.
    public func pendingEdits() throws -> [PendingEdit] {
        try store.load(server: session.client.baseURL).pending
    }

    /// Changes the profile now, or queues the change when the server cannot be reached.
    public func updateProfile(_ update: ProfileUpdate) async throws -> ChangeOutcome<UserProfile> {
        try await change(
            online: { cache in
                let user = try await self.session.updateProfile(update)
                cache.profile = user
                cache.profileETag = nil  // the next read fetches the new version's tag
                return user
            },
            offline: { cache in
                cache.pending.append(.updateProfile(update, ifMatch: cache.profileETag))
                if let name = update.fullName { cache.profile?.fullName = name }
                if let url = update.profileImageURL { cache.profile?.profileImageURL = url }
                if let language = update.language { cache.profile?.language = language }
            })
    }

    /// Adds an address now, or queues it (with an idempotency key) when the server cannot be reached.
    public func addAddress(_ fields: AddressFields) async throws -> ChangeOutcome<Address> {
        let key = UUID().uuidString
        return try await change(
            online: { cache in
                let address = try await self.session.addAddress(fields, idempotencyKey: key)
                cache.addresses = (cache.addresses ?? []) + [address]
                cache.addressesETag = nil
                return address
            },
            offline: { cache in cache.pending.append(.addAddress(fields, idempotencyKey: key)) })
    }

    /// Changes an address now, or queues the change (against the version it was made on) when offline.
    public func editAddress(id: Int64, _ fields: AddressFields) async throws -> ChangeOutcome<Address> {
        try await change(
            online: { cache in
                let address = try await self.session.updateAddress(id: id, fields)
                cache.addresses = cache.addresses?.map { $0.id == id ? address : $0 }
                cache.addressesETag = nil
                return address
            },
            offline: { cache in
                let base = cache.addresses?.first { $0.id == id }
                cache.pending.append(.editAddress(id: id, fields, ifMatch: base?.etag))
            })
    }

    /// Deletes an address now, or queues the deletion when the server cannot be reached.
    public func deleteAddress(id: Int64) async throws -> ChangeOutcome<Int64> {
        try await change(
            online: { cache in
                try await self.session.deleteAddress(id: id)
                cache.addresses?.removeAll { $0.id == id }
                cache.addressesETag = nil
                return id
            },
            offline: { cache in
                cache.pending.append(.deleteAddress(id: id))
                cache.addresses?.removeAll { $0.id == id }
            })
    }

    /// Online first; when the server cannot be reached, the offline branch queues the edit. Queued edits behind which
    /// this one would jump are respected: with a queue, the edit is queued too, so order holds.
    private func change<Value: Sendable>(
        online: (inout ProfileCache) async throws -> Value, offline: (inout ProfileCache) -> Void
    ) async throws -> ChangeOutcome<Value> {
        var cache = try store.load(server: session.client.baseURL)
        if cache.pending.isEmpty {
            do {
                let value = try await online(&cache)
                try store.save(cache, server: session.client.baseURL)
                return .applied(value)
            } catch let error as PhoneAuthClientError where error.isOffline {
                // fall through to queueing
            }
        }
        offline(&cache)
        try store.save(cache, server: session.client.baseURL)
        return .queued
    }
}
