import Foundation
import PhoneAuthCore

/// One user as an operator sees them, with the actions the console offers on them.
struct UserPage: ConsolePage {
    static let template = ConsoleRenderer.Template.user

    struct SessionRow: Sendable {
        var id: String
        var device: String
        var address: String
        var started: String
        var lastActivity: String
        var state: String
        var live: Bool
        var revokeAction: String
    }

    struct NumberRow: Sendable {
        var number: String
        var from: String
        var until: String
        var reason: String
    }

    struct AddressRow: Sendable {
        var label: String
        /// The lines, city, region, postal code and country, in the order a label would print them.
        var text: String
        var updated: String
    }

    var chrome: PageChrome
    var id: Int64
    var name: String
    var phone: String
    var market: String
    var language: String
    var role: String
    var isAdmin: Bool
    var status: String
    var banned: Bool
    var banReason: String?
    var verified: String
    var created: String
    var lastLogin: String
    var addresses: [AddressRow]
    var sessions: [SessionRow]
    var numbers: [NumberRow]
    var deleted: Bool
    /// Detached as dormant: an operator may give it its number back.
    var detached: Bool
    var liveSessions: Int
    /// The operator looks at their own account: no demote or ban button (the API still allows it).
    var isSelf: Bool

    init(
        chrome: PageChrome, user: User, addresses: [Address], sessions: [UserSession], numbers: [NumberHistoryEntry] = [], viewer: Int64, now: Date
    ) {
        self.chrome = chrome
        id = user.id ?? 0
        name = user.fullName ?? "(no name)"
        (phone, market, language, role) = (Self.phone(of: user), user.market, user.language, user.role)
        isAdmin = user.role == UserRole.admin.rawValue
        banned = user.isDisabled
        banReason = user.disabledReason
        status = Self.status(of: user)
        verified = user.isVerified ? "yes" : "no"
        created = ConsoleFormat.instant(user.createdAt)
        lastLogin = ConsoleFormat.instant(user.lastLogin)
        self.addresses = addresses.map { address in
            let parts = [address.line1, address.line2, address.city, address.region, address.postalCode, address.country]
            return AddressRow(
                label: address.label ?? "–", text: parts.compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", "),
                updated: ConsoleFormat.instant(address.updatedAt))
        }
        self.sessions = sessions.sorted { $0.lastActivityAt > $1.lastActivityAt }.map { session in
            let live = session.isUsable(at: now)
            let state = live ? "live" : session.revokedAt.map { "ended \(ConsoleFormat.instant($0))" } ?? "expired"
            return SessionRow(
                id: session.id, device: session.userAgent ?? "(unknown device)", address: session.ip ?? "–",
                started: ConsoleFormat.instant(session.createdAt), lastActivity: ConsoleFormat.instant(session.lastActivityAt), state: state,
                live: live, revokeAction: "/console/users/\(user.id ?? 0)/sessions/\(session.id)/revoke")
        }
        // An erased account's numbers are digests: shown as such, never as numbers.
        self.numbers = numbers.map { entry in
            NumberRow(
                number: entry.phoneNumber.hasPrefix("#") ? "(erased)" : entry.phoneNumber, from: ConsoleFormat.instant(entry.from),
                until: entry.until.map { ConsoleFormat.instant($0) } ?? "now", reason: entry.reason ?? "–")
        }
        deleted = user.deletedAt != nil
        detached = user.detachedAt != nil && !deleted
        liveSessions = self.sessions.filter(\.live).count
        isSelf = user.id == viewer
    }

    /// The number, or what stands for it on an erased or detached account (the number history shows the one it had).
    static func phone(of user: User) -> String {
        user.deletedAt != nil ? "(erased)" : user.detachedAt != nil ? "(none: detached)" : user.phoneNumber
    }

    /// Banned (since when), active, or signed out everywhere.
    static func status(of user: User) -> String {
        if let deleted = user.deletedAt { return "deleted \(ConsoleFormat.instant(deleted))" }
        if let detached = user.detachedAt { return "detached \(ConsoleFormat.instant(detached)): its number signed in a new account" }
        return user.isDisabled ? "banned since \(ConsoleFormat.instant(user.disabledAt))" : user.isActive ? "active" : "signed out"
    }
}
