import Foundation

/// A number range under a block. An operator's (`automatic` false, until lifted) stops every code to it, known numbers
/// included. The fraud defence's (`automatic`, until `expiresAt`) only hardens it: unknown numbers there must solve
/// a challenge of the maximum difficulty for each code, and nobody is refused (a stranger can set one off).
package struct RangeBlock: Sendable, Equatable, Encodable {
    package var prefix: String
    package var reason: String
    package var automatic: Bool
    package var createdAt: Date
    @ExplicitNull package var expiresAt: Date? = nil
    /// The operator's user id; nil for automatic blocks (and the CLI).
    @ExplicitNull package var createdBy: Int64? = nil

    package init(
        prefix: String, reason: String, automatic: Bool, createdAt: Date, expiresAt: Date? = nil, createdBy: Int64? = nil
    ) {
        self.prefix = prefix
        self.reason = reason
        self.automatic = automatic
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.createdBy = createdBy
    }

    package enum CodingKeys: String, CodingKey {
        case prefix = "range", reason, automatic
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case createdBy = "created_by"
    }

    /// Whether it refuses sends at all (only an operator's does).
    package var refuses: Bool { !automatic }

    /// What `range_blocks` keeps for a range the defence hardens.
    package static func automatic(prefix: String, unverified: Int, now: Date, duration: Duration) -> RangeBlock {
        RangeBlock(
            prefix: prefix, reason: "\(unverified) unverified sends in the last hour, no sign-in", automatic: true, createdAt: now,
            expiresAt: now.addingTimeInterval(duration.seconds), createdBy: nil)
    }
}
