import Foundation
import Logging

/// The one place that turns a bearer token into the caller's current state. A protocol so that an invalidating
/// cache can slot in later without touching the middleware.
package protocol CallerResolver: Sendable {
    func resolve(bearer token: String, logger: Logger) async throws -> Caller
}

/// Token first (signature, expiry), then the database in one read: the user exists and is active, the session is
/// active and unexpired, and no logout, force-logout or permission change came after the token.
package struct DatabaseCallerResolver: CallerResolver {
    package let tokens: TokenService
    /// The caller's state: read from the database, or from the auth-state cache in front of it.
    package let states: any CallerStateSource
    package let sessions: any SessionRepository
    package let fallbacks: ClaimsFallbackCounter
    package let metrics: ServerMetrics
    package let now: WallClock

    package init(
        tokens: TokenService,
        states: any CallerStateSource,
        sessions: any SessionRepository,
        fallbacks: ClaimsFallbackCounter,
        metrics: ServerMetrics,
        now: @escaping WallClock
    ) {
        self.tokens = tokens
        self.states = states
        self.sessions = sessions
        self.fallbacks = fallbacks
        self.metrics = metrics
        self.now = now
    }

    /// How stale `last_activity_at` may get before a request refreshes it.
    package static let activityResolution: TimeInterval = 300

    package func resolve(bearer token: String, logger: Logger) async throws -> Caller {
        let claims: AccessClaims
        do {
            claims = try await tokens.verify(token)
        } catch {
            if case .tokenExpired = error.kind { throw refuse(.expired, error) }
            throw refuse(.badSignature, error)
        }
        let issuedAt = claims.issuedAt.value.milliseconds
        // No state: the session ended (logout, revocation) or the user is gone.
        guard let state = try await states.state(userID: claims.userID, sessionID: claims.sessionID, market: claims.market) else {
            throw refuse(.revoked, .unauthorized)
        }
        let user = state.user
        // First: a banned user's client must hear why, whichever cutoff the ban also stamped.
        guard !user.isDisabled else { throw refuse(.banned, .accountDisabledSession) }
        guard user.deletedAt == nil else { throw refuse(.revoked, .accountDeleted) }
        guard user.isActive else {
            // Logging out of the last session also deactivates the user: that token was revoked, not its user.
            let revoked = state.session.map { !$0.isUsable(at: now()) } ?? (claims.version >= AccessClaims.currentVersion)
            throw refuse(revoked ? .revoked : .inactive, .unauthorized)
        }
        if let revokedAt = user.tokensValidAfter, issuedAt <= revokedAt.milliseconds { throw refuse(.revoked, .unauthorized) }
        // Before the session check: a force-logout also revokes sessions, and the client should hear "stale" (try a
        // refresh, which then fails) rather than a bare 401.
        for cutoff in [user.forceLogoutAfter, user.permissionsUpdatedAt, state.marketForceLogoutAfter].compactMap({ $0 })
        where issuedAt <= cutoff.milliseconds {
            throw refuse(.stale, .tokenStale)
        }
        if claims.version >= AccessClaims.currentVersion {
            guard let session = state.session, session.isUsable(at: now()) else { throw refuse(.revoked, .unauthorized) }
        } else {
            fallbacks.record(claims, logger: logger)
            metrics.claimsFallback()
        }
        // The row is in hand: only an old activity stamp costs a write, so the hot path stays read-only.
        if let session = state.session, now().timeIntervalSince(session.lastActivityAt) > Self.activityResolution {
            try await sessions.touch(id: session.id, now: now(), every: Self.activityResolution)
        }
        return Caller(user: user, claims: claims, session: state.session)
    }

    private func refuse(_ reason: ServerMetrics.TokenRefusal, _ error: AppError) -> AppError {
        metrics.tokenRefused(reason)
        return error
    }
}

/// Counts tokens of an older claims version whose missing values came from the database, logging each token once.
package final class ClaimsFallbackCounter: Sendable {
    private let seen = Locked<(count: Int, ids: Set<String>)>((0, []))

    package init() {}

    package var count: Int { seen.withLock { $0.count } }

    package func record(_ claims: AccessClaims, logger: Logger) {
        let first = seen.withLock { state -> Bool in
            // Bounded: old tokens expire within 30 minutes, so forgetting the set now and then only repeats a log line.
            if state.ids.count > 100_000 { state.ids.removeAll() }
            guard state.ids.insert(claims.id.value).inserted else { return false }
            state.count += 1
            return true
        }
        if first {
            logger.notice(
                "older claims version: missing values read from the database",
                metadata: ["ver": "\(claims.version)", "user_id": "\(claims.userID)", "jti": "\(claims.id.value)"])
        }
    }
}

extension Date {
    /// Whole milliseconds since 1970: the precision tokens and revocation instants are compared at.
    package var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }
}
