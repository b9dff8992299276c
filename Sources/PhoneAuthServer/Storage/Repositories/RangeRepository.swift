import Foundation

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

/// Number ranges as the fraud defence and the operators see them: their standing, and the blocks on them.
protocol RangeRepository: Sendable {
    /// The range's conversion history and the unverified sends of the last hour. (A successful sign-in marks the sends
    /// of its phone verified, in the sign-in's own transaction: `SignInRepository.redeem`.)
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
