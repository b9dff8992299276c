import Foundation

/// What the fraud defence knows of a number range: whether codes sent there get entered.
package struct RangeStanding: Sendable, Equatable {
    /// Codes ever sent into the range, and how many of those sends ended in a sign-in (`range_stats`, kept for good).
    package var sent: Int
    package var verified: Int
    /// Distinct phones that signed in there, fading with time (`RangeCredit`): what its allowance grows with.
    package var credit: Double
    /// Sends of the last hour whose code has not been entered (yet): into this range, and into any range.
    package var unverifiedLastHour: Int
    package var globalUnverifiedLastHour: Int
    /// Distinct phones of the last hour in this range whose code was entered.
    package var verifiedLastHour: Int
    /// Challenges issued to this range in the last hour (`ChallengeCounts`): how hard someone is pushing it.
    package var challengesLastHour: Int

    package init(
        sent: Int = 0,
        verified: Int = 0,
        credit: Double = 0.0,
        unverifiedLastHour: Int = 0,
        globalUnverifiedLastHour: Int = 0,
        verifiedLastHour: Int = 0,
        challengesLastHour: Int = 0
    ) {
        self.sent = sent
        self.verified = verified
        self.credit = credit
        self.unverifiedLastHour = unverifiedLastHour
        self.globalUnverifiedLastHour = globalUnverifiedLastHour
        self.verifiedLastHour = verifiedLastHour
        self.challengesLastHour = challengesLastHour
    }
}

/// Number ranges as the fraud defence and the operators see them: their standing, and the blocks on them.
package protocol RangeRepository: Sendable {
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
package struct RangeReport: Sendable, Equatable {
    package var prefix: String
    package var standing: RangeStanding
    package var block: RangeBlock?

    package init(prefix: String, standing: RangeStanding, block: RangeBlock? = nil) {
        self.prefix = prefix
        self.standing = standing
        self.block = block
    }
}
