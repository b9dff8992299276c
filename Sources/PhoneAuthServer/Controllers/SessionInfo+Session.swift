import Foundation
import PhoneAuthAPI
import PhoneAuthCore

extension SessionInfo {
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
        self.init(
            id: session.id, createdAt: session.createdAt, lastActivityAt: session.lastActivityAt, userAgent: session.userAgent,
            ip: session.ip)
    }
}
