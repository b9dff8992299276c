import Foundation

/// Every action an operator can take, each written to the audit log after it took effect: the admin API, the CLI
/// (and the console) all come through here, so there is one implementation of each and one record of it. Each takes
/// effect on the target's next request, because every request reads the user, session and cutoffs afresh.
package struct OperatorActions: Sendable {
    package let users: any UserRepository
    package let sessions: any SessionRepository
    package let admin: any AdminRepository
    package let ranges: RangeControls
    package let audit: any AuditRepository
    package let accounts: any AccountRepository
    package let now: WallClock

    package init(
        users: any UserRepository, sessions: any SessionRepository, admin: any AdminRepository, ranges: RangeControls,
        audit: any AuditRepository, accounts: any AccountRepository, now: @escaping WallClock
    ) {
        (self.users, self.sessions, self.admin, self.ranges, self.audit, self.now) = (users, sessions, admin, ranges, audit, now)
        self.accounts = accounts
    }

    /// On one backend's storage: what the server and the CLI build.
    package init(storage: Storage, markets: MarketCatalog, policy: SendAllowancePolicy, now: @escaping WallClock) {
        self.init(
            users: storage.users, sessions: storage.sessions, admin: storage.admin,
            ranges: RangeControls(ranges: storage.ranges, markets: markets, policy: policy, now: now), audit: storage.audit,
            accounts: storage.accounts, now: now)
    }

    /// Who acts, and from where.
    package struct Operator: Sendable, Equatable {
        /// nil: the CLI.
        package var userID: Int64?
        package var via: AuditEntry.Via
        package var address: String?

        package init(userID: Int64? = nil, via: AuditEntry.Via, address: String? = nil) {
            self.userID = userID
            self.via = via
            self.address = address
        }

        package static let cli = Operator(userID: nil, via: .cli, address: nil)
    }

    package func setRole(userID: Int64, role: UserRole, by actor: Operator) async throws -> User? {
        guard let user = try await users.setRole(userID: userID, role: role, now: now()) else { return nil }
        try await record(role == .admin ? .promote : .demote, AuditEntry.user(userID), by: actor)
        return user
    }

    /// A ban: every session ends, every token fails on its next request, sign-in is refused until lifted.
    package func ban(userID: Int64, reason: String?, by actor: Operator) async throws -> User? {
        guard let user = try await users.disable(userID: userID, reason: reason, now: now()) else { return nil }
        try await record(.ban, AuditEntry.user(userID), detail: reason, by: actor)
        return user
    }

    package func unban(userID: Int64, by actor: Operator) async throws -> User? {
        guard let user = try await users.enable(userID: userID, now: now()) else { return nil }
        try await record(.unban, AuditEntry.user(userID), by: actor)
        return user
    }

    /// Erases the user's account (`AccountErasure`), with the reason in the audit log; deleting a deleted user
    /// changes nothing and records nothing.
    package func deleteUser(_ erasure: AccountErasure, reason: String, by actor: Operator) async throws -> ErasureOutcome {
        let outcome = try await accounts.erase(erasure, now: now())
        if case .erased = outcome { try await record(.delete, AuditEntry.user(erasure.userID), detail: reason, by: actor) }
        return outcome
    }

    /// Gives a detached (dormant) account its number back; whichever account signed in with the number since is
    /// detached in turn (kept, as the first was). nil when the user is not detached.
    package func reattach(userID: Int64, reason: String?, by actor: Operator) async throws -> User? {
        guard let user = try await accounts.reattach(userID: userID, now: now()) else { return nil }
        try await record(.reattach, AuditEntry.user(userID), detail: reason, by: actor)
        return user
    }

    /// Returns how many sessions ended.
    package func forceLogout(_ target: ForceLogoutTarget, by actor: Operator) async throws -> Int {
        let revoked = try await admin.forceLogout(target, now: now())
        let name =
            switch target {
            case .user(let id): AuditEntry.user(id)
            case .market(let code): "market:\(code)"
            case .everyone: "everyone"
            }
        try await record(.forceLogout, name, detail: "\(revoked) session(s) ended", by: actor)
        return revoked
    }

    /// False when the user has no such session.
    package func revokeSession(id: String, userID: Int64, by actor: Operator) async throws -> Bool {
        guard try await sessions.revoke(id: id, userID: userID, now: now()) else { return false }
        try await record(.revokeSession, AuditEntry.user(userID), detail: "session \(id)", by: actor)
        return true
    }

    package func blockRange(_ range: String, reason: String, by actor: Operator) async throws -> RangeBlock {
        let block = try await ranges.block(range, reason: reason, by: actor.userID)
        try await record(.blockRange, "range:\(block.prefix)", detail: block.reason, by: actor)
        return block
    }

    /// False when the range had no block in force.
    package func unblockRange(_ range: String, by actor: Operator) async throws -> Bool {
        let prefix = try ranges.range(parsing: range).range
        guard try await ranges.unblock(prefix) else { return false }
        try await record(.unblockRange, "range:\(prefix)", by: actor)
        return true
    }

    private func record(_ action: AuditEntry.Action, _ target: String, detail: String? = nil, by actor: Operator) async throws {
        try await audit.record(
            AuditEntry(at: now(), operatorID: actor.userID, action: action, target: target, detail: detail, address: actor.address, via: actor.via))
    }
}
