import Foundation

/// A number range no code is sent to: set by an operator (until lifted) or by the fraud defence (until `expiresAt`).
/// Automatic blocks spare phones that signed in before; an operator's block spares nobody.
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

    /// Whether it stops a send to a phone that is (not) known to be good.
    func applies(knownGood: Bool) -> Bool { !(automatic && knownGood) }

    /// What `range_blocks` keeps for a block the defence sets.
    static func automatic(prefix: String, unverified: Int, now: Date, duration: Duration) -> RangeBlock {
        RangeBlock(
            prefix: prefix, reason: "\(unverified) unverified sends in the last hour, no sign-in", automatic: true, createdAt: now,
            expiresAt: now.addingTimeInterval(duration.seconds), createdBy: nil)
    }
}
