import Foundation

/// One sliding-window limit on sends: at most `max` sends per `window` for the attempt's phone, IP, prefix, or overall.
struct WindowRule: Sendable, Equatable {
    enum Scope: Sendable, Equatable {
        case phone, ip, prefix, global
    }

    var scope: Scope
    var window: TimeInterval
    var max: Int
    /// What the client is told when this rule refuses.
    var refusal: AppError
    /// A limit that grows with the codes its scope got verified (a network's: a carrier NAT where real people sign
    /// in); nil for a fixed one.
    var earned: EarnedAllowance?

    /// The limit this rule applies, given how many distinct phones of its scope verified a code in the window.
    func limit(verifiedPhones: Int) -> Int {
        earned.map { $0.limit(base: max, verifiedPhones: verifiedPhones) } ?? max
    }
}

/// How a conversion-aware limit grows: `perVerifiedPhone` more for each distinct phone whose code from this scope was
/// entered in the window, never past `ceiling`. Pumping bots never enter codes, so a bot's own address keeps the base;
/// an address shared by many real people (a carrier-grade NAT) earns room as fast as they sign in.
struct EarnedAllowance: Sendable, Equatable {
    var perVerifiedPhone: Int
    var ceiling: Int

    func limit(base: Int, verifiedPhones: Int) -> Int {
        // Saturating: a count near Int.max must not wrap round to a small limit.
        let (earned, tooMany) = verifiedPhones.multipliedReportingOverflow(by: perVerifiedPhone)
        let (total, tooLarge) = base.addingReportingOverflow(earned)
        return Swift.max(base, Swift.min(ceiling, tooMany || tooLarge ? Int.max : total))
    }
}

/// Who is asking for a code, as the limits see it.
struct SendAttempt: Sendable, Equatable {
    var phone: String
    var ip: String
    /// Country code plus the next three digits: SMS pumping walks through such ranges.
    var prefix: String
}

/// A refused send: the rule that refused it and when it would pass.
struct SendRefusal: Sendable, Equatable {
    var rule: WindowRule
    var retryAfter: Int
}

/// What the fraud defence knows of a number range: whether codes sent there get entered.
struct RangeStanding: Sendable, Equatable {
    /// Codes ever sent into the range, and how many of those sends ended in a sign-in (`range_stats`, kept for good).
    var sent = 0
    var verified = 0
    /// Distinct phones that signed in there, fading with time (`RangeCredit`): what its allowance grows with.
    var credit = 0.0
    /// Sends of the last hour whose code has not been entered (yet): into this range, and into any range.
    var unverifiedLastHour = 0
    var globalUnverifiedLastHour = 0
    /// Distinct phones of the last hour in this range whose code was entered.
    var verifiedLastHour = 0
    /// Challenges issued to this range in the last hour (`ChallengeCounts`): how hard someone is pushing it.
    var challengesLastHour = 0
}

/// Persistent send and verification history behind the abuse limits.
protocol SendLogRepository: Sendable {
    /// Atomically (across every process on the database): a block on the range refuses first; then the rules in order;
    /// then the fraud screening (nil: none) may ask for a challenge or block the range; only then is the attempt
    /// recorded, so concurrent sends cannot overshoot any limit or allowance.
    func admit(_ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, now: Date) async throws -> SendAdmission
    /// The range's conversion history and the unverified sends of the last hour. (A successful sign-in marks the sends
    /// of its phone verified, in the sign-in's own transaction: see each backend's `markVerified`.)
    func standing(prefix: String, now: Date) async throws -> RangeStanding

    /// An operator's block (replacing any automatic one); it lasts until lifted.
    func block(prefix: String, reason: String, by operatorID: Int64?, now: Date) async throws -> RangeBlock
    /// Lifts the range's block, by hand or automatic; false when there was none in force.
    func unblock(prefix: String, now: Date) async throws -> Bool
    /// Blocks in force, newest first.
    func blocks(now: Date) async throws -> [RangeBlock]
    /// Ranges by unverified sends of the last hour, then by sends ever: what an operator looks at first.
    func busiestRanges(limit: Int, now: Date) async throws -> [RangeReport]
}

/// One range as the operator sees it.
struct RangeReport: Sendable, Equatable {
    var prefix: String
    var standing: RangeStanding
    var block: RangeBlock?
}

/// How long counted events are kept: older ones can no longer affect any limit.
enum StorageRetention {
    static let sendLog: TimeInterval = 2 * 86_400
    static let verifyFailures: TimeInterval = 2 * 86_400
}

/// The sliding-window arithmetic every backend's limit queries share.
enum SlidingWindowMath {
    /// Seconds until `oldestCounted` (the oldest of the `max` newest events in the window) leaves it: then one more
    /// event passes. At least 1.
    static func retryAfter(oldestCounted: Date, window: TimeInterval, now: Date) -> Int {
        max(1, Int(oldestCounted.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
    }
}
