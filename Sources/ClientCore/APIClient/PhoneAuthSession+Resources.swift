import Foundation

/// The signed-in user's resources; every call goes through `authorized`, so it refreshes as needed.
extension PhoneAuthSession {
    public func updateProfile(_ update: ProfileUpdate) async throws -> UserProfile {
        try await authorized { token in try await self.client.call("PATCH", "api/v1/profile", body: update, token: token) }
    }

    public func addresses() async throws -> [Address] {
        try await authorized { token -> AddressList in try await self.client.call("GET", "api/v1/profile/addresses", token: token) }.addresses
    }

    public func addAddress(_ fields: AddressFields) async throws -> Address {
        try await authorized { token in try await self.client.call("POST", "api/v1/profile/addresses", body: fields, token: token) }
    }

    public func updateAddress(id: Int64, _ fields: AddressFields) async throws -> Address {
        try await authorized { token in try await self.client.call("PATCH", "api/v1/profile/addresses/\(id)", body: fields, token: token) }
    }

    public func deleteAddress(id: Int64) async throws {
        _ = try await authorized { token in try await self.client.raw("DELETE", "api/v1/profile/addresses/\(id)", token: token) }
    }

    public func market() async throws -> MarketInfo {
        try await authorized { token in try await self.client.call("GET", "api/v1/market", token: token) }
    }

    public func sessions() async throws -> [SessionInfo] {
        try await authorized { token -> SessionList in try await self.client.call("GET", "auth/sessions", token: token) }.sessions
    }

    public func revokeSession(id: String) async throws {
        _ = try await authorized { token in try await self.client.raw("DELETE", "auth/sessions/\(id)", token: token) }
    }
}
