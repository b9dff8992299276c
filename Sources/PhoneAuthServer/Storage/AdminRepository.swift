import Foundation

enum UserRole: String, Sendable, CaseIterable {
    case user, admin
}

/// Who a force-logout applies to.
enum ForceLogoutTarget: Sendable, Equatable {
    case user(Int64)
    case market(String)
    case everyone
}

/// Operator actions. Every change that should reach live tokens stamps the matching cutoff, so the next request sees it.
protocol AdminRepository: Sendable {
    func user(id: Int64) async throws -> User?
    func user(phone: String) async throws -> User?
    func sessions(userID: Int64) async throws -> [UserSession]
    /// nil when there is no such user. A role change stamps `permissions_updated_at`.
    func update(userID: Int64, role: UserRole?, now: Date) async throws -> User?
    /// A ban, atomically: stamps `disabled_at` and `tokens_valid_after` (every earlier access token fails, also after
    /// re-enabling) and revokes every session. Disabling an already disabled user keeps the first instant and updates
    /// the reason. nil when there is no such user.
    func disable(userID: Int64, reason: String?, now: Date) async throws -> User?
    /// Lifts a ban; sessions that ended with it stay ended. nil when there is no such user.
    func enable(userID: Int64, now: Date) async throws -> User?
    /// Stamps the cutoff and revokes the sessions in scope; returns how many sessions ended.
    @discardableResult func forceLogout(_ target: ForceLogoutTarget, now: Date) async throws -> Int
}
