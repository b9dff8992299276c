import Foundation

/// Something that happened to an account which the app's other services hear of, written to `auth_events` in the
/// same transaction as the change itself, so an event exists exactly when its change committed. The revocation stream
/// (`GET /auth/revocations`) serves the ones that end tokens (`Kind.revokes`) in `id` order; webhooks deliver any.
/// Which tokens a revoking event ends follows from what it names: a session (its tokens), a user (the user's tokens
/// issued up to `at`), a market (that market's), or nothing (every token issued up to `at`).
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
        /// A number signed in for the first time: a new account.
        case userCreated = "user.created"
        /// A sign-in opened a session (`sessionID`).
        case userSignedIn = "user.signed_in"
        case userUnbanned = "user.unbanned"
        /// The account moved to another number.
        case userPhoneChanged = "user.phone_changed"
        /// A number range was blocked, by an operator or the fraud defence (`data`: prefix, reason, automatic, until).
        case rangeBlocked = "range.blocked"

        /// Whether it ends tokens (and so goes on the revocation stream).
        package var revokes: Bool {
            switch self {
            case .userCreated, .userSignedIn, .userUnbanned, .userPhoneChanged, .rangeBlocked: false
            default: true
            }
        }
    }

    /// Increasing in commit order; 0 until stored.
    package var id: Int64
    package var kind: Kind
    package var userID: Int64?
    package var sessionID: String?
    package var market: String?
    /// When it happened: the instant the cutoff it stamps holds.
    package var at: Date
    /// More about it, as a JSON object (a blocked range's prefix and reason); never a code, a token or a full number.
    package var data: String?

    package init(
        id: Int64 = 0, kind: Kind, userID: Int64? = nil, sessionID: String? = nil, market: String? = nil, at: Date, data: String? = nil
    ) {
        (self.id, self.kind, self.userID, self.sessionID, self.market, self.at, self.data) = (id, kind, userID, sessionID, market, at, data)
    }

    package static func sessionEnded(_ sessionID: String, userID: Int64, at: Date) -> AuthEvent {
        AuthEvent(kind: .sessionEnded, userID: userID, sessionID: sessionID, at: at)
    }

    package static func user(_ kind: Kind, _ userID: Int64, at: Date) -> AuthEvent {
        AuthEvent(kind: kind, userID: userID, at: at)
    }

    /// A sign-in's events: the account's creation when the number had none, and the session it opened.
    package static func signedIn(_ user: User, sessionID: String, created: Bool, at: Date) -> [AuthEvent] {
        let signedIn = AuthEvent(kind: .userSignedIn, userID: user.id, sessionID: sessionID, market: user.market, at: at)
        return created ? [AuthEvent(kind: .userCreated, userID: user.id, market: user.market, at: at), signedIn] : [signedIn]
    }

    /// A range block, with what it blocks.
    package static func rangeBlocked(_ block: RangeBlock) -> AuthEvent {
        struct Details: Encodable {
            var prefix: String
            var reason: String
            var automatic: Bool
            var expiresAt: Date?

            enum CodingKeys: String, CodingKey {
                case prefix, reason, automatic
                case expiresAt = "expires_at"
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        let details = Details(prefix: block.prefix, reason: block.reason, automatic: block.automatic, expiresAt: block.expiresAt)
        return AuthEvent(kind: .rangeBlocked, at: block.createdAt, data: (try? encoder.encode(details)).map { String(decoding: $0, as: UTF8.self) })
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
