import Foundation

/// One operator action, as the audit log keeps it: who (an admin's user id, or the CLI), what, on whom, when, from
/// which address, and through which door (admin API, console, CLI).
struct AuditEntry: Sendable, Equatable, Codable {
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

    var id: Int64?
    var at: Date
    /// nil: the CLI, run by whoever has the database.
    var operatorID: Int64?
    var action: Action
    /// `user:7`, `market:us`, `everyone`, `range:+1312`.
    var target: String
    /// The reason given, or what else the action named (a session id).
    var detail: String?
    var address: String?
    var via: Via

    enum CodingKeys: String, CodingKey {
        case id, at, action, target, detail, address, via
        case operatorID = "operator_id"
    }

    // Explicit nulls: "from the CLI" and "no reason given" are answers.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(at, forKey: .at)
        try container.encode(operatorID, forKey: .operatorID)
        try container.encode(action, forKey: .action)
        try container.encode(target, forKey: .target)
        try container.encode(detail, forKey: .detail)
        try container.encode(address, forKey: .address)
        try container.encode(via, forKey: .via)
    }

    static func user(_ id: Int64) -> String { "user:\(id)" }
}
