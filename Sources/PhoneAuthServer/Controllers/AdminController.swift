import Foundation
import Hummingbird

/// Operator endpoints. The admin role is read from the database on every call (the caller row is fresh), never
/// trusted from the token alone.
struct AdminController: Sendable {
    let admin: any AdminRepository
    let markets: MarketCatalog
    let now: WallClock

    struct UserPatch: Decodable {
        var role: String?
        var isActive: Bool?

        enum CodingKeys: String, CodingKey {
            case role
            case isActive = "is_active"
        }
    }

    struct AdminUser: ResponseEncodable {
        var user: UserResponse
        var role: String
    }

    struct ForceLogoutResult: ResponseEncodable {
        var sessionsRevoked: Int

        enum CodingKeys: String, CodingKey {
            case sessionsRevoked = "sessions_revoked"
        }
    }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.add(middleware: AdminOnlyMiddleware())
        group.get("users", use: findByPhone)
        group.get("users/:id", use: show)
        group.get("users/:id/sessions", use: sessions)
        group.patch("users/:id", use: update)
        group.post("users/:id/force-logout", use: forceLogoutUser)
        group.post("markets/:code/force-logout", use: forceLogoutMarket)
        group.post("force-logout", use: forceLogoutEveryone)
    }

    @Sendable func findByPhone(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        guard let raw = request.uri.queryParameters.get("phone") else {
            throw AppError.invalidRequest("The query parameter phone is required.", field: "phone")
        }
        guard let user = try await admin.user(phone: try PhoneNumber(parsing: raw).e164) else { throw AppError.notFound }
        return AdminUser(user: UserResponse(user), role: user.role)
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        guard let user = try await admin.user(id: try userID(context)) else { throw AppError.notFound }
        return AdminUser(user: UserResponse(user), role: user.role)
    }

    @Sendable func sessions(_ request: Request, context: AuthenticatedContext) async throws -> SessionList {
        let id = try userID(context)
        guard try await admin.user(id: id) != nil else { throw AppError.notFound }
        let now = now()
        return SessionList(sessions: try await admin.sessions(userID: id).map { SessionResponse($0, at: now) })
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        var request = request
        let patch = try await request.decodeJSON(as: UserPatch.self)
        let role = try patch.role.map { text -> UserRole in
            guard let role = UserRole(rawValue: text) else { throw AppError.validation("role", "role must be user or admin.") }
            return role
        }
        guard let user = try await admin.update(userID: try userID(context), role: role, isActive: patch.isActive, now: now()) else {
            throw AppError.notFound
        }
        context.logger.notice("admin changed user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(user.id ?? 0)"])
        return AdminUser(user: UserResponse(user), role: user.role)
    }

    @Sendable func forceLogoutUser(_ request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        let id = try userID(context)
        guard try await admin.user(id: id) != nil else { throw AppError.notFound }
        return try await forceLogout(.user(id), context: context)
    }

    @Sendable func forceLogoutMarket(_ request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        let code = try context.parameters.require("code")
        guard markets.market(code: code) != nil else { throw AppError.notFound }
        return try await forceLogout(.market(code), context: context)
    }

    @Sendable func forceLogoutEveryone(_ request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        try await forceLogout(.everyone, context: context)
    }

    private func forceLogout(_ target: ForceLogoutTarget, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        let revoked = try await admin.forceLogout(target, now: now())
        context.logger.notice("force-logout", metadata: ["admin": "\(context.caller.userID)", "target": "\(target)", "sessions": "\(revoked)"])
        return ForceLogoutResult(sessionsRevoked: revoked)
    }

    private func userID(_ context: AuthenticatedContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }
}
