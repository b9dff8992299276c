import Foundation

/// A row of `users`. Always read fresh from the database: the token only says who is asking.
package struct User: Codable, Sendable, Hashable {
    package var id: Int64?
    package var phoneNumber: String
    package var fullName: String?
    package var profileImageURL: String?
    package var isActive: Bool
    package var isVerified: Bool
    package var lastLogin: Date?
    package var market: String
    package var language: String
    package var country: String
    package var createdAt: Date
    package var updatedAt: Date
    /// Tokens issued at or before this instant are refused (set by logout), even after the next login.
    package var tokensValidAfter: Date?
    package var role: String = "user"
    /// Access tokens issued before these instants are stale (401 `token_stale`): refresh for current claims.
    package var forceLogoutAfter: Date?
    package var permissionsUpdatedAt: Date?
    /// A ban: set and cleared only by an operator, never by signing in.
    package var disabledAt: Date?
    package var disabledReason: String?
    /// Erased (`AccountErasure`): the row is a tombstone, kept so its id is never reused.
    package var deletedAt: Date?
    /// Detached from its number as dormant when someone else signed in with it; kept for support.
    package var detachedAt: Date?

    package enum CodingKeys: String, CodingKey {
        case id
        case phoneNumber = "phone_number"
        case fullName = "full_name"
        case profileImageURL = "profile_image_url"
        case isActive = "is_active"
        case isVerified = "is_verified"
        case lastLogin = "last_login"
        case market, language, country
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case tokensValidAfter = "tokens_valid_after"
        case role
        case forceLogoutAfter = "force_logout_after"
        case permissionsUpdatedAt = "permissions_updated_at"
        case disabledAt = "disabled_at"
        case disabledReason = "disabled_reason"
        case deletedAt = "deleted_at"
        case detachedAt = "detached_at"
    }

    /// A user signing in for the first time.
    package init(newPhone phone: String, defaults: NewUserDefaults, now: Date) {
        self.init(
            id: nil, phoneNumber: phone, fullName: nil, profileImageURL: nil, isActive: true, isVerified: false, lastLogin: nil,
            market: defaults.market, language: defaults.language, country: defaults.country, createdAt: now, updatedAt: now,
            tokensValidAfter: nil)
    }

    package init(
        id: Int64?, phoneNumber: String, fullName: String?, profileImageURL: String?, isActive: Bool, isVerified: Bool, lastLogin: Date?,
        market: String, language: String, country: String, createdAt: Date, updatedAt: Date, tokensValidAfter: Date?, role: String = "user",
        forceLogoutAfter: Date? = nil, permissionsUpdatedAt: Date? = nil, disabledAt: Date? = nil, disabledReason: String? = nil,
        deletedAt: Date? = nil, detachedAt: Date? = nil
    ) {
        self.id = id
        self.phoneNumber = phoneNumber
        self.fullName = fullName
        self.profileImageURL = profileImageURL
        self.isActive = isActive
        self.isVerified = isVerified
        self.lastLogin = lastLogin
        self.market = market
        self.language = language
        self.country = country
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.tokensValidAfter = tokensValidAfter
        self.role = role
        self.forceLogoutAfter = forceLogoutAfter
        self.permissionsUpdatedAt = permissionsUpdatedAt
        self.disabledAt = disabledAt
        self.disabledReason = disabledReason
        self.deletedAt = deletedAt
        self.detachedAt = detachedAt
    }

    package var isDisabled: Bool { disabledAt != nil }

    /// Signed in and not banned: what refresh and every API call require.
    package var canUseSessions: Bool { isActive && !isDisabled }

    /// New tokens must be issued after this: the latest logout, force-logout or permission change.
    package var tokenCutoff: Date? {
        [tokensValidAfter, forceLogoutAfter, permissionsUpdatedAt].compactMap { $0 }.max()
    }
}
