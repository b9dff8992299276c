import Foundation

/// A session to open at sign-in.
package struct NewSession: Sendable, Equatable {
    package var id: String
    package var refreshTokenHash: Data
    package var expiresAt: Date
    package var absoluteExpiresAt: Date
    package var userAgent: String?
    package var ip: String?
}

/// What presenting a refresh token led to.
package enum RotationOutcome: Sendable, Equatable {
    /// The current token: it was retired and `newHash` took its place. The user is as the database has it now.
    case rotated(UserSession, User)
    /// A token retired moments ago by the same session: the pair sealed in `payload` is handed out again.
    case graceReplay(payload: Data, user: User)
    /// A retired token after the grace window: the whole session was revoked.
    case reused
    /// The session's user is disabled (a ban).
    case disabled
    /// Unknown, expired, or its session or user is no longer active.
    case invalid
}

package enum LogoutScope: String, Sendable, CaseIterable {
    case global, local, others
}

/// Everything a request needs to know about its caller, read in one transaction.
package struct CallerState: Sendable, Equatable {
    package var user: User
    package var session: UserSession?
    package var marketForceLogoutAfter: Date?

    package init(user: User, session: UserSession? = nil, marketForceLogoutAfter: Date? = nil) {
        self.user = user
        self.session = session
        self.marketForceLogoutAfter = marketForceLogoutAfter
    }
}

package protocol SessionRepository: Sendable {
    /// The caller's user, session and market cutoff in one consistent read (the hot path). `market`: the token's; nil
    /// (older tokens) uses the user's.
    func callerState(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState?
    /// The session whose current refresh token has this hash, with its user.
    func current(refreshHash: Data) async throws -> (UserSession, User)?
    /// Compare-and-swap, atomically: rotates only if `presentedHash` is still the session's current token (so of
    /// concurrent refreshes exactly one rotates); otherwise reads it as a retired token (grace replay, or reuse that
    /// revokes the session). `replacement` is nil when the caller found no live session for the token.
    func rotate(
        presentedHash: Data, replacement: (hash: Data, sealedPair: Data)?, now: Date, slidingLifetime: TimeInterval, graceWindow: TimeInterval
    ) async throws -> RotationOutcome
    /// The user's usable sessions, most recently active first.
    func listActive(userID: Int64, now: Date) async throws -> [UserSession]
    /// Every session of the user, ended ones too (for operators).
    func listAll(userID: Int64) async throws -> [UserSession]
    /// Revokes one of the user's sessions; false when no such active session is theirs.
    func revoke(id: String, userID: Int64, now: Date) async throws -> Bool
    /// Atomically: ends the sessions in `scope`; `global` also deactivates the user and stamps the logout cutoff.
    func logOut(userID: Int64, sessionID: String?, scope: LogoutScope, now: Date) async throws
    /// Records activity unless it was recorded within `every` seconds (a conditional update), so the hot path rarely
    /// writes.
    func touch(id: String, now: Date, every: TimeInterval) async throws
}
