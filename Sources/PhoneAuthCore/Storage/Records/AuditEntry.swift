import Foundation

/// One operator action, as the audit log keeps it: who (an admin's user id, or the CLI), what, on whom, when, from
/// which address, and through which door (admin API, console, CLI, or the server itself by a retention rule).
package struct AuditEntry: Sendable, Equatable, Encodable {
    package enum Action: String, Sendable, Codable, CaseIterable {
        case promote = "user.promote"
        case demote = "user.demote"
        case ban = "user.ban"
        case unban = "user.unban"
        case delete = "user.delete"
        case changeNumber = "user.change_number"
        case reattach = "user.reattach"
        case forceLogout = "force_logout"
        case revokeSession = "session.revoke"
        case blockRange = "range.block"
        case unblockRange = "range.unblock"
        case createWebhook = "webhook.create"
        case updateWebhook = "webhook.update"
        case deleteWebhook = "webhook.delete"
        case rotateWebhookSecret = "webhook.rotate_secret"
        case retryWebhook = "webhook.retry"
    }

    package enum Via: String, Sendable, Codable {
        case api, console, cli
        /// The server on its own, applying a configured rule (a detached account erased after its retention).
        case server
    }

    @ExplicitNull package var id: Int64? = nil
    package var at: Date
    /// nil: the CLI, run by whoever has the database, or the server itself (`via` says which).
    @ExplicitNull package var operatorID: Int64? = nil
    package var action: Action
    /// `user:7`, `market:us`, `everyone`, `range:+1312`.
    package var target: String
    /// The reason given, or what else the action named (a session id).
    @ExplicitNull package var detail: String? = nil
    @ExplicitNull package var address: String? = nil
    package var via: Via

    package init(
        id: Int64? = nil, at: Date, operatorID: Int64? = nil, action: Action, target: String, detail: String? = nil, address: String? = nil, via: Via
    ) {
        self.id = id
        self.at = at
        self.operatorID = operatorID
        self.action = action
        self.target = target
        self.detail = detail
        self.address = address
        self.via = via
    }

    package enum CodingKeys: String, CodingKey {
        case id, at, action, target, detail, address, via
        case operatorID = "operator_id"
    }

    package static func user(_ id: Int64) -> String { "user:\(id)" }
}
