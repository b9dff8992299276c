import Foundation
import Hummingbird

/// Refresh-token rotation, logout scopes, and the caller's own sessions.
struct SessionController: Sendable {
    let tokens: TokenService
    let refreshTokens: RefreshTokens
    let sessions: any SessionRepository
    let refreshLifetime: Duration
    let graceWindow: Duration
    let now: WallClock

    struct RefreshRequest: Decodable {
        var refreshToken: String

        enum CodingKeys: String, CodingKey {
            case refreshToken = "refresh_token"
        }
    }

    func addPublicRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("refresh", use: refresh)
    }

    func addAuthenticatedRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("logout", use: logout)
        group.get("sessions", use: list)
        group.delete("sessions/:id", use: revoke)
    }

    /// A new access token with current claims (the user is re-read) and a new refresh token; the old one is retired.
    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> TokenResponse {
        var request = request
        let presented = try await request.decodeJSON(as: RefreshRequest.self).refreshToken
        guard (1...512).contains(presented.utf8.count) else { throw AppError.invalidRefreshToken }
        let presentedHash = refreshTokens.hash(presented)
        var replacement: (hash: Data, sealedPair: Data)?
        var issued: RefreshTokens.Pair?
        if let (session, user) = try await sessions.current(refreshHash: presentedHash), session.isUsable(at: now()), user.canUseSessions {
            let pair = RefreshTokens.Pair(
                accessToken: try await tokens.issue(
                    userID: session.userID, market: user.market, role: user.role, sessionID: session.id,
                    notBefore: user.tokenCutoff),
                refreshToken: refreshTokens.generate()
            )
            replacement = (refreshTokens.hash(pair.refreshToken), try refreshTokens.seal(pair))
            issued = pair
        }
        let outcome = try await sessions.rotate(
            presentedHash: presentedHash, replacement: replacement, now: now(), slidingLifetime: refreshLifetime.seconds,
            graceWindow: graceWindow.seconds)
        switch outcome {
        case .rotated(let session, let user):
            guard let issued else { throw AppError.invalidRefreshToken }
            context.logger.info("session refreshed", metadata: ["user_id": "\(session.userID)", "session": "\(session.id)"])
            return response(issued, user: user)
        case .graceReplay(let payload, let user):
            return response(try refreshTokens.open(payload), user: user)
        case .reused:
            context.logger.warning("refresh token reused: session revoked")
            throw AppError.refreshTokenReused
        case .disabled:
            throw AppError.accountDisabledSession
        case .invalid:
            throw AppError.invalidRefreshToken
        }
    }

    private func response(_ pair: RefreshTokens.Pair, user: User) -> TokenResponse {
        TokenResponse(
            accessToken: pair.accessToken, expiresIn: tokens.lifetimeSeconds, refreshToken: pair.refreshToken,
            refreshExpiresIn: Int(refreshLifetime.seconds), user: UserResponse(user))
    }

    /// `?scope=global` (default: the user is deactivated and every session ends), `local` (this session), `others`.
    @Sendable func logout(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let text = request.uri.queryParameters.get("scope") ?? "global"
        guard let scope = LogoutScope(rawValue: text) else {
            throw AppError.invalidRequest("scope must be global, local or others.", field: "scope")
        }
        guard scope == .global || context.caller.sessionID != nil else {
            throw AppError.invalidRequest("This token has no session; use scope=global.", field: "scope")
        }
        try await sessions.logOut(userID: context.caller.userID, sessionID: context.caller.sessionID, scope: scope, now: now())
        context.logger.info("logged out", metadata: ["user_id": "\(context.caller.userID)", "scope": "\(scope.rawValue)"])
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> SessionList {
        let active = try await sessions.listActive(userID: context.caller.userID, now: now())
        return SessionList(sessions: active.map { SessionResponse($0, currentID: context.caller.sessionID) })
    }

    /// Another user's session id answers 404, exactly like a missing one.
    @Sendable func revoke(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await sessions.revoke(id: id, userID: context.caller.userID, now: now()) else { throw AppError.notFound }
        return Response(status: .noContent)
    }
}
