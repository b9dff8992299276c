import Foundation
import Hummingbird
import PhoneAuthAPI
import PhoneAuthCore

/// Operator endpoints. The admin role is read from the database on every call (the caller row is fresh), never
/// trusted from the token alone.
struct AdminController: Sendable {
    let directory: UserDirectory
    let actions: OperatorActions
    /// What erasing a user's account takes (the digest key, the quarantine).
    let accounts: AccountService
    let markets: MarketCatalog
    let trustedProxies: Set<String>
    let now: WallClock

    /// `is_active: false` is a ban (as `POST …/disable`), `true` lifts it; global logout is the user's own business.
    struct UserPatch: Decodable {
        var role: String?
        var isActive: Bool?
        var disabledReason: String?

        init(from decoder: any Decoder) throws {
            // `role` and `is_active` may be left out, not sent as null; a reason may be null.
            let container = try decoder.container(keyedBy: CodingKeys.self)
            role = try container.decodeIfPresentNotNull(String.self, forKey: .role)
            isActive = try container.decodeIfPresentNotNull(Bool.self, forKey: .isActive)
            disabledReason = try container.decodeIfPresent(String.self, forKey: .disabledReason)
        }

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
        var user: UserProfile
        var role: String
        @ExplicitNull var disabledAt: Date? = nil
        @ExplicitNull var disabledReason: String? = nil
        @ExplicitNull var deletedAt: Date? = nil
        @ExplicitNull var detachedAt: Date? = nil

        init(_ user: User) {
            self.user = UserProfile(user)
            role = user.role
            disabledAt = user.disabledAt
            disabledReason = user.disabledReason
            deletedAt = user.deletedAt
            detachedAt = user.detachedAt
        }

        enum CodingKeys: String, CodingKey {
            case user, role
            case disabledAt = "disabled_at"
            case disabledReason = "disabled_reason"
            case deletedAt = "deleted_at"
            case detachedAt = "detached_at"
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
        group.get("users/search", use: search)
        group.get("users/:id", use: show)
        group.get("users/:id/sessions", use: sessions)
        group.get("users/:id/numbers", use: numbers)
        group.delete("users/:id/sessions/:sid", use: revokeSession)
        group.get("audit", use: auditLog)
        group.patch("users/:id", use: update)
        group.post("users/:id/disable", use: disable)
        group.post("users/:id/enable", use: enable)
        group.post("users/:id/delete", use: delete)
        group.post("users/:id/reattach", use: reattach)
        group.post("users/:id/force-logout", use: forceLogoutUser)
        group.post("markets/:code/force-logout", use: forceLogoutMarket)
        group.post("force-logout", use: forceLogoutEveryone)
    }

    @Sendable func findByPhone(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        guard let raw = request.uri.queryParameters.get("phone") else {
            throw AppError.invalidRequest("The query parameter phone is required.", field: "phone")
        }
        guard let user = try await directory.find(phone: try PhoneNumber(parsing: raw)) else { throw AppError.notFound }
        return AdminUser(user)
    }

    struct UserList: ResponseEncodable {
        var users: [AdminUser]
    }

    /// `?q=` a piece of a name or number (as the console's search), `?limit=` 1 to 100 (default 50).
    @Sendable func search(_ request: Request, context: AuthenticatedContext) async throws -> UserList {
        guard let text = request.uri.queryParameters.get("q") else {
            throw AppError.invalidRequest("The query parameter q is required.", field: "q")
        }
        let limit = Int(try request.queryNumber("limit", in: 1...100) ?? 50)
        guard let search = UserSearch(String(text), limit: limit) else {
            throw AppError.validation("q", "q must be \(UserSearch.minimumLength) to \(UserSearch.maximumLength) characters.")
        }
        return UserList(users: try await directory.search(search).map(AdminUser.init))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        AdminUser(try await directory.user(id: try userID(context)))
    }

    @Sendable func sessions(_ request: Request, context: AuthenticatedContext) async throws -> SessionList {
        let id = try userID(context)
        _ = try await directory.user(id: id)
        let now = now()
        return SessionList(sessions: try await directory.sessions(of: id).map { SessionInfo($0, at: now) })
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        var request = request
        let patch = try await request.decodeJSON(as: UserPatch.self)
        let role = try patch.role.map { text -> UserRole in
            guard let role = UserRole(rawValue: text) else { throw AppError.validation("role", "role must be user or admin.") }
            return role
        }
        let reason = try OperatorReason.parse(patch.disabledReason, field: "disabled_reason")
        let id = try userID(context)
        var changed: User?
        let actor = OperatorActions.Operator.api(request, context, trustedProxies: trustedProxies)
        if let role { changed = try await actions.setRole(userID: id, role: role, by: actor) }
        switch patch.isActive {
        case false?: changed = try await actions.ban(userID: id, reason: reason, by: actor)
        case true?: changed = try await actions.unban(userID: id, by: actor)
        case nil: if role == nil { changed = try await directory.find(id: id) }
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
        let reason = try OperatorReason.parse(body.reason, field: "reason")
        guard let user = try await actions.ban(userID: id, reason: reason, by: .api(request, context, trustedProxies: trustedProxies)) else {
            throw AppError.notFound
        }
        context.logger.notice("admin disabled user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return AdminUser(user)
    }

    /// Lifts a ban; the sessions it ended stay ended.
    @Sendable func enable(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        let id = try userID(context)
        guard let user = try await actions.unban(userID: id, by: .api(request, context, trustedProxies: trustedProxies)) else {
            throw AppError.notFound
        }
        context.logger.notice("admin enabled user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return AdminUser(user)
    }

    struct NumberList: ResponseEncodable {
        struct Entry: Encodable {
            /// nil once the account was erased: the row keeps only a digest.
            @ExplicitNull var phoneNumber: String? = nil
            var from: Date
            @ExplicitNull var until: Date? = nil
            @ExplicitNull var reason: String? = nil

            enum CodingKeys: String, CodingKey {
                case phoneNumber = "phone_number"
                case from, until, reason
            }
        }
        var numbers: [Entry]
    }

    /// Every number the user has had, oldest first.
    @Sendable func numbers(_ request: Request, context: AuthenticatedContext) async throws -> NumberList {
        let id = try userID(context)
        _ = try await directory.user(id: id)
        return NumberList(
            numbers: try await directory.numbers(of: id).map {
                .init(phoneNumber: $0.phoneNumber.hasPrefix("#") ? nil : $0.phoneNumber, from: $0.from, until: $0.until, reason: $0.reason)
            })
    }

    /// Erases the user's account (`AccountErasure`), with a reason (required) in the audit log. Idempotent: a deleted
    /// user answers its tombstone again.
    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        var request = request
        let id = try userID(context)
        // One's own account goes by the step-up path, not by the admin role alone.
        guard id != context.caller.userID else {
            throw AppError(.forbidden, "Delete your own account with DELETE /api/v1/account, after a fresh sign-in.")
        }
        let body = try await request.decodeJSONIfPresent(as: DisableRequest.self) ?? DisableRequest()
        guard let reason = try OperatorReason.parse(body.reason, field: "reason") else {
            throw AppError.validation("reason", "Deleting a user needs a reason, for the audit log.")
        }
        let actor = OperatorActions.Operator.api(request, context, trustedProxies: trustedProxies)
        guard try await actions.deleteUser(accounts.erasure(userID: id), reason: reason, by: actor) != .notFound,
            let user = try await actions.users.find(id: id)
        else { throw AppError.notFound }
        context.logger.notice("admin deleted user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return AdminUser(user)
    }

    /// Gives a detached (dormant) account its number back, with an optional reason for the audit log; 404 when the
    /// user is not detached.
    @Sendable func reattach(_ request: Request, context: AuthenticatedContext) async throws -> AdminUser {
        var request = request
        let id = try userID(context)
        let body = try await request.decodeJSONIfPresent(as: DisableRequest.self) ?? DisableRequest()
        let reason = try OperatorReason.parse(body.reason, field: "reason")
        let actor = OperatorActions.Operator.api(request, context, trustedProxies: trustedProxies)
        guard let user = try await actions.reattach(userID: id, reason: reason, by: actor) else {
            throw AppError(.notFound, "User \(id) is not a detached account.")
        }
        context.logger.notice("admin reattached user", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return AdminUser(user)
    }

    @Sendable func forceLogoutUser(_ request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        let id = try userID(context)
        _ = try await directory.user(id: id)
        return try await forceLogout(.user(id), request: request, context: context)
    }

    @Sendable func forceLogoutMarket(_ request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        let code = try context.parameters.require("code")
        guard markets.market(code: code) != nil else { throw AppError.notFound }
        return try await forceLogout(.market(code), request: request, context: context)
    }

    @Sendable func forceLogoutEveryone(_ request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        try await forceLogout(.everyone, request: request, context: context)
    }

    private func forceLogout(_ target: ForceLogoutTarget, request: Request, context: AuthenticatedContext) async throws -> ForceLogoutResult {
        let revoked = try await actions.forceLogout(target, by: .api(request, context, trustedProxies: trustedProxies))
        context.logger.notice("force-logout", metadata: ["admin": "\(context.caller.userID)", "target": "\(target)", "sessions": "\(revoked)"])
        return ForceLogoutResult(sessionsRevoked: revoked)
    }

    /// Ends one session of the user; 404 when it is not theirs or already over.
    @Sendable func revokeSession(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        let id = try userID(context)
        let session = try context.parameters.require("sid")
        guard try await actions.revokeSession(id: session, userID: id, by: .api(request, context, trustedProxies: trustedProxies)) else {
            throw AppError.notFound
        }
        context.logger.notice("admin revoked session", metadata: ["admin": "\(context.caller.userID)", "user_id": "\(id)"])
        return .noContent
    }

    struct AuditList: ResponseEncodable {
        var entries: [AuditEntry]
    }

    /// Newest first; `?operator=ID`, `?target=user:7`, `?before=ID` (paging), `?limit=` (1 to 500, default 100).
    @Sendable func auditLog(_ request: Request, context: AuthenticatedContext) async throws -> AuditList {
        let target: String? = request.uri.queryParameters.get("target").map { String($0) }
        // Counted as the schema counts (Unicode scalars).
        guard (target?.unicodeScalars.count ?? 0) <= 200 else { throw AppError.invalidRequest("target is at most 200 characters.", field: "target") }
        let operatorID = try request.queryNumber("operator", in: 1...Int64.max)
        let before = try request.queryNumber("before", in: 1...Int64.max)
        let limit = Int(try request.queryNumber("limit", in: 1...500) ?? 100)
        // No stored target holds a control character (and PostgreSQL cannot take a NUL in a parameter): none matches.
        if let target, target.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) { return AuditList(entries: []) }
        return AuditList(entries: try await actions.audit.list(operatorID: operatorID, target: target, before: before, limit: limit))
    }

    private func userID(_ context: AuthenticatedContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }
}

extension OperatorActions.Operator {
    /// The admin calling the API, from the client address as the limits see it.
    static func api(_ request: Request, _ context: AuthenticatedContext, trustedProxies: Set<String>) -> Self {
        Self(
            userID: context.caller.userID, via: .api,
            address: ClientAddress.resolve(peer: context.peerAddress, forwardedFor: request.headers[.xForwardedFor], trustedProxies: trustedProxies))
    }
}
