import Foundation
import Hummingbird
import PhoneAuthAPI
import PhoneAuthCore

/// Refresh-token rotation, logout scopes, and the caller's own sessions, over HTTP; `SessionService` does the work.
struct SessionController: Sendable {
    let service: SessionService
    let sessions: any SessionRepository
    let now: WallClock

    func addPublicRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("refresh", use: refresh)
    }

    func addAuthenticatedRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("logout", use: logout)
        group.get("sessions", use: list)
        group.delete("sessions/:id", use: revoke)
    }

    @Sendable func refresh(_ request: Request, context: AppRequestContext) async throws -> TokenGrant {
        var request = request
        let presented = try await request.decodeJSON(as: RefreshRequest.self).refreshToken
        return TokenGrant(try await service.refresh(presented, logger: context.logger), service: service)
    }

    /// `?scope=global` (default: the user is deactivated and every session ends), `local` (this session), `others`.
    @Sendable func logout(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let text = request.uri.queryParameters.get("scope") ?? "global"
        guard let scope = LogoutScope(rawValue: text) else {
            throw AppError.invalidRequest("scope must be global, local or others.", field: "scope")
        }
        try await service.logOut(context.caller, scope: scope, logger: context.logger)
        return Response(status: .noContent)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> SessionList {
        let active = try await sessions.listActive(userID: context.caller.userID, now: now())
        return SessionList(sessions: active.map { SessionInfo($0, currentID: context.caller.sessionID) })
    }

    /// Another user's session id answers 404, exactly like a missing one.
    @Sendable func revoke(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard try await sessions.revoke(id: id, userID: context.caller.userID, now: now()) else { throw AppError.notFound }
        return Response(status: .noContent)
    }
}
