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
    func update(userID: Int64, role: UserRole?, isActive: Bool?, now: Date) async throws -> User?
    /// Stamps the cutoff and revokes the sessions in scope; returns how many sessions ended.
    @discardableResult func forceLogout(_ target: ForceLogoutTarget, now: Date) async throws -> Int
}
