import Foundation

/// Which proof-of-work challenges were already used. A challenge is remembered until it expires (afterwards its
/// token is refused anyway, and housekeeping removes the row).
package protocol ChallengeRepository: Sendable {
    /// True the first time `id` is presented, on any instance; false for a replay.
    func redeem(id: String, expiresAt: Date, now: Date) async throws -> Bool
}
