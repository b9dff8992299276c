import Foundation
import Hummingbird
import PhoneAuthCore

/// A session as listed to its owner (`current`) or to an admin (`expires_at`, `is_active`).
struct SessionResponse: Encodable {
    var id: String
    var createdAt: Date
    var lastActivityAt: Date
    var userAgent: String?
    var ip: String?
    var current: Bool?
    var expiresAt: Date?
    var isActive: Bool?

    enum CodingKeys: String, CodingKey {
        case id, ip, current
        case createdAt = "created_at"
        case lastActivityAt = "last_activity_at"
        case userAgent = "user_agent"
        case expiresAt = "expires_at"
        case isActive = "is_active"
    }

    /// For the owner: which one is the caller's own.
    init(_ session: UserSession, currentID: String?) {
        self.init(session)
        current = session.id == currentID
    }

    /// For an admin: expiry and whether it is still usable.
    init(_ session: UserSession, at now: Date) {
        self.init(session)
        expiresAt = session.expiresAt
        isActive = session.isUsable(at: now)
    }

    private init(_ session: UserSession) {
        id = session.id
        createdAt = session.createdAt
        lastActivityAt = session.lastActivityAt
        userAgent = session.userAgent
        ip = session.ip
    }
}

/// `{"sessions":[…]}`.
struct SessionList: ResponseEncodable {
    var sessions: [SessionResponse]
}
