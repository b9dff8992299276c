import Foundation

/// A number range under a block. An operator's (`automatic` false, until lifted) stops every code to it, known numbers
/// included. The fraud defence's (`automatic`, until `expiresAt`) only hardens it: unknown numbers there must solve
/// a challenge of the maximum difficulty for each code, and nobody is refused (a stranger can set one off).
struct RangeBlock: Sendable, Equatable, Encodable {
    var prefix: String
    var reason: String
    var automatic: Bool
    var createdAt: Date
    @ExplicitNull var expiresAt: Date? = nil
    /// The operator's user id; nil for automatic blocks (and the CLI).
    @ExplicitNull var createdBy: Int64? = nil

    enum CodingKeys: String, CodingKey {
        case prefix = "range", reason, automatic
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case createdBy = "created_by"
    }

    /// Whether it refuses sends at all (only an operator's does).
    var refuses: Bool { !automatic }

    /// What `range_blocks` keeps for a range the defence hardens.
    static func automatic(prefix: String, unverified: Int, now: Date, duration: Duration) -> RangeBlock {
        RangeBlock(
            prefix: prefix, reason: "\(unverified) unverified sends in the last hour, no sign-in", automatic: true, createdAt: now,
            expiresAt: now.addingTimeInterval(duration.seconds), createdBy: nil)
    }
}
