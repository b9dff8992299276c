import Foundation

/// The signed-in user's resources; every call goes through `authorized`, so it refreshes as needed.
extension PhoneAuthSession {
    /// With `ifMatch`, refused (412) when the profile changed since that version.
    public func updateProfile(_ update: ProfileUpdate, ifMatch: String? = nil) async throws -> UserProfile {
        let profile: UserProfile = try await authorized { token in
            try await self.client.call("PATCH", "api/v1/profile", body: update, token: token, headers: ifMatch.map { ["If-Match": $0] } ?? [:])
        }
        userUpdated(profile)
        return profile
    }

    /// The user's address book.
    public func addresses() async throws -> [Address] {
        try await authorized { token -> AddressList in try await self.client.call("GET", "api/v1/profile/addresses", token: token) }.addresses
    }

    /// With `idempotencyKey`, a retried create (after a lost answer) adds nothing twice.
    public func addAddress(_ fields: AddressFields, idempotencyKey: String? = nil) async throws -> Address {
        try await authorized { token in
            try await self.client.call(
                "POST", "api/v1/profile/addresses", body: fields, token: token, headers: idempotencyKey.map { ["Idempotency-Key": $0] } ?? [:])
        }
    }

    /// With `ifMatch` (an address's `etag`), refused (412) when it changed since that version.
    public func updateAddress(id: Int64, _ fields: AddressFields, ifMatch: String? = nil) async throws -> Address {
        try await authorized { token in
            try await self.client.call(
                "PATCH", "api/v1/profile/addresses/\(id)", body: fields, token: token, headers: ifMatch.map { ["If-Match": $0] } ?? [:])
        }
    }

    /// Deletes one of the user's addresses.
    public func deleteAddress(id: Int64) async throws {
        _ = try await authorized { token in try await self.client.raw("DELETE", "api/v1/profile/addresses/\(id)", token: token) }
    }

    /// The market the token is for.
    public func market() async throws -> MarketInfo {
        try await authorized { token in try await self.client.call("GET", "api/v1/market", token: token) }
    }

    /// The user's live sessions (devices), this one marked `SessionInfo.current`.
    public func sessions() async throws -> [SessionInfo] {
        try await authorized { token -> SessionList in try await self.client.call("GET", "auth/sessions", token: token) }.sessions
    }

    /// Ends one of the user's sessions (another device); its tokens fail on their next use.
    public func revokeSession(id: String) async throws {
        _ = try await authorized { token in try await self.client.raw("DELETE", "auth/sessions/\(id)", token: token) }
    }
}
