import Foundation
import Logging

/// Sign-in after a verified code, refresh-token rotation and logout in its scopes: the one place sessions are opened,
/// rotated and ended. `AuthController` and `SessionController` only translate HTTP to these calls.
package struct SessionService: Sendable {
    package let codes: CodeRedeemer
    package let tokens: TokenService
    package let refreshTokens: RefreshTokens
    package let sessions: any SessionRepository
    package let refreshLifetime: Duration
    package let refreshAbsoluteLifetime: Duration
    package let graceWindow: Duration
    package let now: WallClock

    package init(
        codes: CodeRedeemer,
        tokens: TokenService,
        refreshTokens: RefreshTokens,
        sessions: any SessionRepository,
        refreshLifetime: Duration,
        refreshAbsoluteLifetime: Duration,
        graceWindow: Duration,
        now: @escaping WallClock
    ) {
        self.codes = codes
        self.tokens = tokens
        self.refreshTokens = refreshTokens
        self.sessions = sessions
        self.refreshLifetime = refreshLifetime
        self.refreshAbsoluteLifetime = refreshAbsoluteLifetime
        self.graceWindow = graceWindow
        self.now = now
    }

    /// A signed-in user and the token pair that proves it.
    package struct Grant: Sendable {
        package var user: User
        package var pair: RefreshTokens.Pair
        /// The number's dormant account was detached and `user` is a fresh one: the client should say so.
        package var detachedPrevious = false
        /// The operator said the number's SIM changed lately and the policy lets the sign-in through: tell the number.
        package var simSwapNotice = false
    }

    /// Redeems the code and, in the same transaction, creates or activates the user and opens a session on this device.
    package func signIn(
        _ target: VerificationTarget, code: String, network: String, userAgent: String?, ip: String, logger: Logger
    ) async throws
        -> Grant
    {
        try await open(userAgent: userAgent, ip: ip, logger: logger) { session in
            try await codes.redeem(target, code: code, network: network, session: session)
        }
    }

    /// The same for a number the operator network confirmed on this device (a silent sign-in).
    package func signInProven(
        phone: String, marks: NetworkMarks, network: String, userAgent: String?, ip: String, logger: Logger
    )
        async throws -> Grant
    {
        try await open(userAgent: userAgent, ip: ip, logger: logger) { session in
            try await codes.redeemProven(phone: phone, marks: marks, network: network, session: session)
        }
    }

    /// A new session on this device, opened by `redeem` in its transaction, and the tokens for it.
    private func open(
        userAgent: String?, ip: String, logger: Logger,
        _ redeem: (NewSession) async throws -> (user: User, detached: Bool, simSwapNotice: Bool)
    ) async throws -> Grant {
        let refreshToken = refreshTokens.generate()
        let issuedAt = now()
        let session = NewSession(
            id: UUID().uuidString.lowercased(), refreshTokenHash: refreshTokens.hash(refreshToken),
            expiresAt: issuedAt.addingTimeInterval(refreshLifetime.seconds),
            absoluteExpiresAt: issuedAt.addingTimeInterval(refreshAbsoluteLifetime.seconds),
            userAgent: userAgent.map { String($0.prefix(256)) }, ip: ip)
        let (user, detached, simSwapNotice) = try await redeem(session)
        guard let userID = user.id else { throw AppError.internalError }
        let token = try await tokens.issue(
            userID: userID, market: user.market, role: user.role, sessionID: session.id, notBefore: user.tokenCutoff)
        logger.info("signed in", metadata: ["user_id": "\(userID)", "market": "\(user.market)", "session": "\(session.id)"])
        if detached { logger.notice("a dormant account's number signed in: a fresh account was made, the old one detached") }
        var grant = Grant(user: user, pair: .init(accessToken: token, refreshToken: refreshToken), detachedPrevious: detached)
        grant.simSwapNotice = simSwapNotice
        return grant
    }

    /// A new access token with current claims (the user is re-read) and a new refresh token; the old one is retired.
    package func refresh(_ presented: String, logger: Logger) async throws -> Grant {
        guard (1...512).contains(presented.utf8.count) else { throw AppError.invalidRefreshToken }
        let presentedHash = refreshTokens.hash(presented)
        var replacement: (hash: Data, sealedPair: Data)?
        var issued: RefreshTokens.Pair?
        if let (session, user) = try await sessions.current(refreshHash: presentedHash), session.isUsable(at: now()), user.canUseSessions {
            let pair = RefreshTokens.Pair(
                accessToken: try await tokens.issue(
                    userID: session.userID, market: user.market, role: user.role, sessionID: session.id, notBefore: user.tokenCutoff),
                refreshToken: refreshTokens.generate())
            replacement = (refreshTokens.hash(pair.refreshToken), try refreshTokens.seal(pair))
            issued = pair
        }
        let outcome = try await sessions.rotate(
            presentedHash: presentedHash, replacement: replacement, now: now(), slidingLifetime: refreshLifetime.seconds,
            graceWindow: graceWindow.seconds)
        switch outcome {
        case .rotated(let session, let user):
            guard let issued else { throw AppError.invalidRefreshToken }
            logger.info("session refreshed", metadata: ["user_id": "\(session.userID)", "session": "\(session.id)"])
            return Grant(user: user, pair: issued)
        case .graceReplay(let payload, let user):
            // Sealed under another pepper (an instance not yet restarted with the new one): the pair cannot be given
            // again, and a new rotation would retire the pair a racing request already holds. Refused; nothing revoked.
            guard let pair = try? refreshTokens.open(payload) else {
                logger.warning("refresh replayed within the grace window, but its pair was sealed under another pepper")
                throw AppError.invalidRefreshToken
            }
            return Grant(user: user, pair: pair)
        case .reused:
            logger.warning("refresh token reused: session revoked")
            throw AppError.refreshTokenReused
        case .disabled:
            throw AppError.accountDisabledSession
        case .invalid:
            throw AppError.invalidRefreshToken
        }
    }

    /// The session a refresh token belongs to, read without rotating it (the console checks its own limits first).
    package func session(forRefresh presented: String) async throws -> UserSession? {
        guard (1...512).contains(presented.utf8.count) else { return nil }
        return try await sessions.current(refreshHash: refreshTokens.hash(presented))?.0
    }

    /// Revokes one session, as a sign-out from it would.
    package func end(_ session: UserSession) async throws {
        _ = try await sessions.revoke(id: session.id, userID: session.userID, now: now())
    }

    /// `global` deactivates the user and ends every session; `local` this one; `others` all but this one.
    package func logOut(_ caller: Caller, scope: LogoutScope, logger: Logger) async throws {
        guard scope == .global || caller.sessionID != nil else {
            throw AppError.invalidRequest("This token has no session; use scope=global.", field: "scope")
        }
        try await sessions.logOut(userID: caller.userID, sessionID: caller.sessionID, scope: scope, now: now())
        logger.info("logged out", metadata: ["user_id": "\(caller.userID)", "scope": "\(scope.rawValue)"])
    }
}
