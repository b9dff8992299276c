import Foundation
import Logging

/// The caller's own account: deleting it (after a fresh sign-in) and exporting everything stored about it. Operators
/// delete through `OperatorActions.deleteUser`, which erases the same way.
package struct AccountService: Sendable {
    package let accounts: any AccountRepository
    package let addresses: any AddressRepository
    package let sessions: any SessionRepository
    package let audit: any AuditRepository
    package let policy: AccountPolicy
    package let digest: PhoneDigest
    package let now: WallClock

    package init(
        accounts: any AccountRepository, addresses: any AddressRepository, sessions: any SessionRepository, audit: any AuditRepository,
        policy: AccountPolicy, digest: PhoneDigest, now: @escaping WallClock
    ) {
        (self.accounts, self.addresses, self.sessions, self.audit) = (accounts, addresses, sessions, audit)
        (self.policy, self.digest, self.now) = (policy, digest, now)
    }

    /// Step-up: only a session opened by a code within `AccountPolicy.stepUpWindow` may delete its account (a stolen
    /// token or an unlocked phone left on a table is not enough). Idempotent: deleting again changes nothing.
    package func deleteOwn(_ caller: Caller, logger: Logger) async throws {
        guard let session = caller.session, now().timeIntervalSince(session.createdAt) <= policy.stepUpWindow.seconds else {
            throw AppError.stepUpRequired
        }
        guard case .erased = try await erase(userID: caller.userID) else { return }
        // The entry keeps the id only: the address a deleted user came from is personal data.
        try await audit.record(AuditEntry(at: now(), operatorID: caller.userID, action: .delete, target: AuditEntry.user(caller.userID), via: .api))
        logger.info("account deleted by its user", metadata: ["user_id": "\(caller.userID)"])
    }

    package func erase(userID: Int64) async throws -> ErasureOutcome {
        try await accounts.erase(erasure(userID: userID), now: now())
    }

    /// Erases the detached accounts kept past `AccountPolicy.detachedRetention`, at most `batch` a call (the next
    /// housekeeping pass takes the rest), each in the audit log as the server's. Returns how many it erased.
    package func eraseExpiredDetached(batch: Int = 100) async throws -> Int {
        guard policy.detachedRetention > .zero else { return 0 }
        let now = now()
        var erased = 0
        for id in try await accounts.detached(before: now.addingTimeInterval(-policy.detachedRetention.seconds), limit: batch) {
            // Another instance's pass may have taken it first: only the one that erased records it.
            guard case .erased = try await accounts.erase(erasure(userID: id), now: now) else { continue }
            let days = Int(policy.detachedRetention.seconds / 86_400)
            try await audit.record(
                AuditEntry(
                    at: now, action: .delete, target: AuditEntry.user(id), detail: "detached account kept \(days) days for support", via: .server))
            erased += 1
        }
        return erased
    }

    /// What erasing this user takes: the digest key and the quarantine.
    package func erasure(userID: Int64) -> AccountErasure {
        AccountErasure(userID: userID, digest: digest, quarantine: policy.quarantine)
    }

    /// Everything stored about the caller, read afresh.
    package func export(_ caller: Caller) async throws -> AccountExport {
        let user = caller.user
        let phone = user.phoneNumber
        let bans = try await audit.list(operatorID: nil, target: AuditEntry.user(caller.userID), before: nil, limit: 1_000)
            .filter { [.ban, .unban].contains($0.action) }
            .reversed()  // the log lists newest first
        return AccountExport(
            exportedAt: now(),
            profile: .init(
                id: caller.userID, phoneNumber: phone, fullName: user.fullName, profileImageURL: user.profileImageURL, market: user.market,
                language: user.language, country: user.country, role: user.role, isActive: user.isActive, createdAt: user.createdAt,
                updatedAt: user.updatedAt, lastLogin: user.lastLogin),
            addresses: try await addresses.list(userID: caller.userID).map {
                .init(
                    id: $0.id ?? 0, label: $0.label, line1: $0.line1, line2: $0.line2, city: $0.city, region: $0.region, postalCode: $0.postalCode,
                    country: $0.country, createdAt: $0.createdAt, updatedAt: $0.updatedAt)
            },
            sessions: try await sessions.listAll(userID: caller.userID).map {
                .init(
                    id: $0.id, device: $0.userAgent, address: $0.ip, signedInAt: $0.createdAt, lastActiveAt: $0.lastActivityAt,
                    expiresAt: $0.expiresAt, isActive: $0.isActive && $0.revokedAt == nil, endedAt: $0.revokedAt)
            },
            codesSent: try await accounts.sends(phone: phone),
            deliveries: try await accounts.deliveries(phone: phone).map {
                .init(channel: $0.channel.rawValue, sentAt: $0.sentAt, state: $0.state.rawValue, deliveredAt: $0.deliveredAt)
            },
            numberHistory: try await accounts.numberHistory(userID: caller.userID),
            disabledAt: user.disabledAt,
            bans: bans.map { .init(at: $0.at, action: $0.action == .ban ? "banned" : "unbanned", reason: $0.detail) })
    }
}
