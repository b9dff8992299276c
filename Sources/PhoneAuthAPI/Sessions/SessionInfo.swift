import Foundation

/// One signed-in device: in the user's own list (with ``current``) or an admin's (with ``expiresAt`` and
/// ``isActive``). A field the list does not carry is left out of the JSON.
public struct SessionInfo: Codable, Sendable, Equatable {
    /// The session's id, for revoking it.
    public var id: String
    /// When the code was verified on that device.
    public var createdAt: Date
    /// The last request or refresh (to within five minutes).
    public var lastActivityAt: Date
    /// The device's `User-Agent` when it signed in.
    public var userAgent: String?
    /// The address it signed in from.
    public var ip: String?
    /// True for the session the asking token belongs to (the user's own list).
    public var current: Bool?
    /// When its refresh token expires unless used (an admin's list).
    public var expiresAt: Date?
    /// Whether it can still be refreshed (an admin's list).
    public var isActive: Bool?

    /// A session as stored, with the fields of one kind of list.
    public init(
        id: String, createdAt: Date, lastActivityAt: Date, userAgent: String?, ip: String?, current: Bool? = nil,
        expiresAt: Date? = nil, isActive: Bool? = nil
    ) {
        (self.id, self.createdAt, self.lastActivityAt, self.userAgent, self.ip) = (id, createdAt, lastActivityAt, userAgent, ip)
        (self.current, self.expiresAt, self.isActive) = (current, expiresAt, isActive)
    }

    package enum CodingKeys: String, CodingKey {
        case id, ip, current
        case createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
        case userAgent = "user_agent"
        case expiresAt = "expires_at"
        case isActive = "is_active"
    }
}
