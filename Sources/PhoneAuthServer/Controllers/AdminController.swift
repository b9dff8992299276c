import Foundation
import Hummingbird

/// Operator endpoints. The admin role is read from the database on every call (the caller row is fresh), never
/// trusted from the token alone.
struct AdminController: Sendable {
    let users: any UserRepository
    let sessions: any SessionRepository
    let admin: any AdminRepository
    let markets: MarketCatalog
    let now: WallClock

    /// `is_active: false` is a ban (as `POST …/disable`), `true` lifts it; global logout is the user's own business.
    struct UserPatch: Decodable {
        var role: String?
        var isActive: Bool?
        var disabledReason: String?

        enum CodingKeys: String, CodingKey {
            case role
            case isActive = "is_active"
            case disabledReason = "disabled_reason"
        }
    }

    struct DisableRequest: Decodable {
        var reason: String?
    }

    struct AdminUser: ResponseEncodable {
        var user: UserResponse
        var role: String
        var disabledAt: Date?
        var disabledReason: String?

        init(_ user: User) {
            self.user = UserResponse(user)
            role = user.role
            disabledAt = user.disabledAt
            disabledReason = user.disabledReason
        }

        enum CodingKeys: String, CodingKey {
            case user, role
            case disabledAt = "disabled_at"
            case disabledReason = "disabled_reason"
        }

        // Explicit nulls: "not disabled" is an answer, not a missing field.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user, forKey: .user)
            try container.encode(role, forKey: .role)
            try container.encode(disabledAt, forKey: .disabledAt)
            try container.encode(disabledReason, forKey: .disabledReason)
        }
    }

    struct ForceLogoutResult: ResponseEncodable {
        var sessionsRevoked: Int

        enum CodingKeys: String, CodingKey {
            case sessionsRevoked = "sessions_revoked"
        }
    }

    /// `group` must already require the admin role (`AdminOnlyMiddleware`).
    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("users", use: findByPhone)
        group.get("users/:id", use: show)
        group.get("users/:id/sessions", use: sessions)
        group.patch("users/:id", use: update)
        group.post("users/:id/disable", use: disable)
        group.post("users/:id/enable", use: enable)
        group.post("users/:id/force-logout", use: forceLogoutUser)
        group.post("markets/:code/force-logout", use: forceLogoutMarket)
        group.post("force-logout", use: forceLogoutEveryone)
    }

    @Sendable func findByPhone(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        guard let raw = request.uri.queryParameters.get("phone") else {
            throw AppError.invalidRequest("The query parameter phone is required.", field: "phone")
        }
        guard let user = try await users.find(phone: try PhoneNumber(parsing: raw).e164) else { throw AppError.notFound }
        return AdminUser(user)
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        guard let user = try await users.find(id: try userID(context)) else { throw AppError.notFound }
        return AdminUser(user)
    }

    @Sendable func sessions(_ request: Request, context: AuthenticatedContext) async throws -> SessionList {
        let id = try userID(context)
        guard try await users.find(id: id) != nil else { throw AppError.notFound }
        let now = now()
        return SessionList(sessions: try await sessions.listAll(userID: id).map { SessionResponse($0, at: now) })
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        var request = request
        let patch = try await request.decodeJSON(as: UserPatch.self)
        let role = try patch.role.map { text -> UserRole in
            guard let role = UserRole(rawValue: text) else { throw AppError.validation("role", "role must be user or admin.") }
            return role
        }
        let reason = try Self.reason(patch.disabledReason, field: "disabled_reason")
        let id = try userID(context)
        var changed: User?
        if let role { changed = try await users.setRole(userID: id, role: role, now: now()) }
        switch patch.isActive {
        case false?: changed = try await users.disable(userID: id, reason: reason, now: now())
        case true?: changed = try await users.enable(userID: id, now: now())
        case nil: if role == nil { changed = try await users.find(id: id) }
        }
        guard let user = changed else { throw AppError.notFound }
        context.logger.notice("admin changed user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return AdminUser(user)
    }

    /// A ban: every session ends and every token fails on its next request; sign-in cannot undo it.
    @Sendable func disable(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        var request = request
        let id = try userID(context)
        let body = try await request.decodeJSONIfPresent(as: DisableRequest.self) ?? DisableRequest()
        guard let user = try await users.disable(userID: id, reason: try Self.reason(body.reason, field: "reason"), now: now()) else {
            throw AppError.notFound
        }
        context.logger.notice("admin disabled user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return AdminUser(user)
    }

    /// Lifts a ban; the sessions it ended stay ended.
    @Sendable func enable(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        let id = try userID(context)
        guard let user = try await users.enable(userID: id, now: now()) else { throw AppError.notFound }
        context.logger.notice("admin enabled user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return AdminUser(user)
    }

    private static func reason(_ text: String?, field: String) throws -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 500 else { throw AppError.validation(field, "\(field) must be at most 500 characters.") }
        return trimmed.isEmpty ? nil : trimmed
    }

    @Sendable func forceLogoutUser(_ request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        let id = try userID(context)
        guard try await users.find(id: id) != nil else { throw AppError.notFound }
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
