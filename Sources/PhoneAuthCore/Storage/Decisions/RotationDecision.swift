import Foundation

/// What presenting a refresh token does, decided once for every backend (`SessionRepository.rotate`). The backend
/// finds the session whose current or retired token has the presented hash (locked against a concurrent rotation)
/// and its user; this decides; the backend writes the session back when it changed.
package enum RotationDecision: Sendable, Equatable {
    /// Store the rotated session (the presented token retired, the replacement current).
    case rotate(UserSession, User)
    /// A token retired moments ago by the same session: hand out the sealed pair again; nothing changes.
    case replay(payload: Data, user: User)
    /// A retired token came back after its grace: store the session ended.
    case endSession(UserSession)
    case disabled
    case invalid

    /// How the presented hash matched a session.
    package enum Match: Sendable, Equatable {
        /// It is the session's current refresh token.
        case current(UserSession)
        /// It is the token the session's last rotation retired.
        case retired(UserSession)

        package var session: UserSession {
            switch self {
            case .current(let session), .retired(let session): session
            }
        }
    }

    /// `replacement`: nil when the caller found no live session for the token before the transaction.
    package static func decide(
        _ match: Match?, user: User?, replacement: (hash: Data, sealedPair: Data)?, presentedHash: Data, now: Date,
        slidingLifetime: TimeInterval, graceWindow: TimeInterval
    ) -> RotationDecision {
        switch match {
        case nil:
            return .invalid
        case .current(var session):
            guard let user else { return .invalid }
            if user.isDisabled { return .disabled }
            guard let replacement, session.isUsable(at: now), user.isActive else { return .invalid }
            session.rotate(from: presentedHash, to: replacement, now: now, slidingLifetime: slidingLifetime)
            return .rotate(session, user)
        case .retired(var session):
            if user?.isDisabled == true { return .disabled }
            if let payload = session.graceReplay(at: now, window: graceWindow), let user, user.isActive {
                return .replay(payload: payload, user: user)
            }
            // Whoever holds a retired token may be a thief, so the session ends for everyone.
            session.isActive = false
            session.revokedAt = session.revokedAt ?? now
            session.gracePayload = nil
            return .endSession(session)
        }
    }

    /// What the caller is told.
    package var outcome: RotationOutcome {
        switch self {
        case .rotate(let session, let user): .rotated(session, user)
        case .replay(let payload, let user): .graceReplay(payload: payload, user: user)
        case .endSession: .reused
        case .disabled: .disabled
        case .invalid: .invalid
        }
    }
}
