import Foundation
import GRDB

/// A row of `users`. Always read fresh from the database: the token only says who is asking.
struct User: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "users"

    var id: Int64?
    var phoneNumber: String
    var fullName: String?
    var profileImageURL: String?
    var isActive: Bool
    var isVerified: Bool
    var lastLogin: Date?
    var market: String
    var language: String
    var country: String
    var createdAt: Date
    var updatedAt: Date
    /// Tokens issued at or before this instant are refused (set by logout), even after the next login.
    var tokensValidAfter: Date?
    var role: String = "user"
    /// Access tokens issued before these instants are stale (401 `token_stale`): refresh for current claims.
    var forceLogoutAfter: Date?
    var permissionsUpdatedAt: Date?
    /// A ban: set and cleared only by an operator, never by signing in.
    var disabledAt: Date?
    var disabledReason: String?

    enum CodingKeys: String, CodingKey {
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
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let phoneNumber = Column(CodingKeys.phoneNumber)
        static let isActive = Column(CodingKeys.isActive)
        static let updatedAt = Column(CodingKeys.updatedAt)
        static let tokensValidAfter = Column(CodingKeys.tokensValidAfter)
        static let forceLogoutAfter = Column(CodingKeys.forceLogoutAfter)
        static let disabledAt = Column(CodingKeys.disabledAt)
        static let disabledReason = Column(CodingKeys.disabledReason)
    }

    var isDisabled: Bool { disabledAt != nil }

    /// Signed in and not banned: what refresh and every API call require.
    var canUseSessions: Bool { isActive && !isDisabled }

    /// New tokens must be issued after this: the latest logout, force-logout or permission change.
    var tokenCutoff: Date? {
        [tokensValidAfter, forceLogoutAfter, permissionsUpdatedAt].compactMap { $0 }.max()
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
