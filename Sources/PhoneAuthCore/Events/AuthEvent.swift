import Foundation

/// Something that happened to an account which the app's other services hear of, written to `auth_events` in the
/// same transaction as the change itself, so an event exists exactly when its change committed. The revocation stream
/// (`GET /auth/revocations`) serves them in `id` order. Which tokens an event ends follows from what it names: a
/// session (its tokens), a user (the user's tokens issued up to `at`), a market (that market's), or nothing (every
/// token issued up to `at`).
package struct AuthEvent: Sendable, Equatable {
    package enum Kind: String, Sendable, CaseIterable {
        /// A session ended: a logout, a revocation from the device list or the console, a reused refresh token.
        case sessionEnded = "session.ended"
        /// The user logged out everywhere: every token issued so far is refused.
        case userLoggedOut = "user.logged_out"
        /// An operator logged the user out.
        case userForceLoggedOut = "user.force_logout"
        case userBanned = "user.banned"
        /// The user's role changed: tokens carrying the old one are refused (the client refreshes).
        case userRoleChanged = "user.role_changed"
        case userDeleted = "user.deleted"
        /// A dormant account gave its number to a new owner.
        case userDetached = "user.detached"
        /// An operator logged out everyone of a market.
        case marketForceLoggedOut = "market.force_logout"
        /// An operator logged out everyone.
        case everyoneForceLoggedOut = "everyone.force_logout"
    }

    /// Increasing in commit order; 0 until stored.
    package var id: Int64
    package var kind: Kind
    package var userID: Int64?
    package var sessionID: String?
    package var market: String?
    /// When it happened: the instant the cutoff it stamps holds.
    package var at: Date

    package init(id: Int64 = 0, kind: Kind, userID: Int64? = nil, sessionID: String? = nil, market: String? = nil, at: Date) {
        (self.id, self.kind, self.userID, self.sessionID, self.market, self.at) = (id, kind, userID, sessionID, market, at)
    }

    package static func sessionEnded(_ sessionID: String, userID: Int64, at: Date) -> AuthEvent {
        AuthEvent(kind: .sessionEnded, userID: userID, sessionID: sessionID, at: at)
    }

    package static func user(_ kind: Kind, _ userID: Int64, at: Date) -> AuthEvent {
        AuthEvent(kind: kind, userID: userID, at: at)
    }

    /// What a force-logout of `target` announces.
    package static func forceLogout(_ target: ForceLogoutTarget, at: Date) -> AuthEvent {
        switch target {
        case .user(let id): AuthEvent(kind: .userForceLoggedOut, userID: id, at: at)
        case .market(let code): AuthEvent(kind: .marketForceLoggedOut, market: code, at: at)
        case .everyone: AuthEvent(kind: .everyoneForceLoggedOut, at: at)
        }
    }
}
