import Foundation

/// Who a force-logout applies to.
package enum ForceLogoutTarget: Sendable, Equatable {
    case user(Int64)
    case market(String)
    case everyone
}

/// The operator queries that span users: force-logout by user, market or everyone.
package protocol AdminRepository: Sendable {
    /// Atomically: stamps the cutoff (the user's, the market's, or the every-market one) and revokes the sessions in
    /// scope; returns how many sessions ended.
    @discardableResult func forceLogout(_ target: ForceLogoutTarget, now: Date) async throws -> Int
}

extension ForceLogoutTarget {
    /// The `markets` row whose cutoff applies to every market.
    package static let everyMarketCode = "*"
}
