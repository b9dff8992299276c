import Foundation

/// One operator action, as the audit log keeps it: who (an admin's user id, or the CLI), what, on whom, when, from
/// which address, and through which door (admin API, console, CLI).
struct AuditEntry: Sendable, Equatable, Encodable {
    enum Action: String, Sendable, Codable, CaseIterable {
        case promote = "user.promote"
        case demote = "user.demote"
        case ban = "user.ban"
        case unban = "user.unban"
        case forceLogout = "force_logout"
        case revokeSession = "session.revoke"
        case blockRange = "range.block"
        case unblockRange = "range.unblock"
    }

    enum Via: String, Sendable, Codable {
        case api, console, cli
    }

    @ExplicitNull var id: Int64? = nil
    var at: Date
    /// nil: the CLI, run by whoever has the database.
    @ExplicitNull var operatorID: Int64? = nil
    var action: Action
    /// `user:7`, `market:us`, `everyone`, `range:+1312`.
    var target: String
    /// The reason given, or what else the action named (a session id).
    @ExplicitNull var detail: String? = nil
    @ExplicitNull var address: String? = nil
    var via: Via

    enum CodingKeys: String, CodingKey {
        case id, at, action, target, detail, address, via
        case operatorID = "operator_id"
    }

    static func user(_ id: Int64) -> String { "user:\(id)" }
}
