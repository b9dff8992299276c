import Foundation
import PhoneAuthAPI

/// What the revocation stream said so far, as the cutoffs it sets: ended sessions, and per user, per market and for
/// everyone the instant up to which tokens are refused. Applied as PhoneAuth applies them (a token issued at or
/// before a cutoff, to the millisecond, is refused). Entries older than a token's lifetime can refuse nothing that
/// has not expired already, so `prune` drops them and the list stays as small as the last half hour's revocations.
struct RevocationList: Sendable {
    private(set) var sessions: [String: Int64] = [:]
    private(set) var users: [Int64: Int64] = [:]
    private(set) var markets: [String: Int64] = [:]
    private(set) var everyone: Int64?

    var count: Int { sessions.count + users.count + markets.count + (everyone == nil ? 0 : 1) }

    /// What `event` ends, by the ids it carries (so an event type this release does not know is applied too).
    mutating func apply(_ event: RevocationEvent) {
        let at = event.atMilliseconds
        if let session = event.sessionID {
            sessions[session] = max(sessions[session] ?? at, at)
        } else if let user = event.userID {
            users[user] = max(users[user] ?? at, at)
        } else if let market = event.market {
            markets[market] = max(markets[market] ?? at, at)
        } else {
            everyone = max(everyone ?? at, at)
        }
    }

    /// Whether a revocation covers `caller`'s token.
    func revokes(_ caller: PhoneAuthCaller) -> Bool {
        if sessions[caller.sessionID] != nil { return true }
        let issued = Int64((caller.issuedAt.timeIntervalSince1970 * 1000).rounded())
        return [users[caller.userID], markets[caller.market], everyone].contains { cutoff in cutoff.map { issued <= $0 } ?? false }
    }

    /// Forgets what was revoked before `instant` (milliseconds since 1970).
    mutating func prune(before instant: Int64) {
        sessions = sessions.filter { $0.value >= instant }
        users = users.filter { $0.value >= instant }
        markets = markets.filter { $0.value >= instant }
        if let at = everyone, at < instant { everyone = nil }
    }

    mutating func removeAll() {
        self = RevocationList()
    }
}
