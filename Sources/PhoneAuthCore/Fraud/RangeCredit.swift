import Foundation

/// How much a number range's sign-ins vouch for it: one point per distinct phone that entered a code there (a phone
/// signing in again within the send log's two days earns nothing more), fading with a half-life of `halfLife`, so a
/// range's allowance reflects its recent people, not every sign-in it ever had. Decided here; each backend stores
/// `score` and `score_at` and calls this.
package enum RangeCredit {
    package static let halfLife: TimeInterval = 14 * 86_400

    /// `score` as it stands at `now`, last set at `scoredAt`.
    package static func decayed(_ score: Double, since scoredAt: Date?, now: Date) -> Double {
        guard let scoredAt, score > 0 else { return 0 }
        let age = max(0, now.timeIntervalSince(scoredAt))
        return score * pow(0.5, age / halfLife)
    }

    /// The new score after one more distinct phone signed in.
    package static func credited(_ score: Double, since scoredAt: Date?, now: Date) -> Double {
        decayed(score, since: scoredAt, now: now) + 1
    }
}
