import Foundation

/// How one send is admitted, decided once for every backend (`SignInRepository.admit`): a block on the range refuses
/// first; then the window rules in order; then the fraud screening may ask for a challenge (within the network's
/// quota of them) or harden the range. The backend holds its lock, reads what `next` asks for, and applies the
/// admission it ends with; the rule reads facts only when it needs them, so a known-good phone costs no screening.
///
/// A backend shared by several instances locks the attempt's phone, network and range, and reads the fleet-wide facts
/// (the budgets' windows, the standing's server-wide count) without a lock at first: before it writes an admission
/// that rests on them it takes the fleet's lock and reads them again (`needsFleetLock`, `Facts.forgettingFleetWide`),
/// so the fleet's lock is held for a few statements at the end, not for the whole send.
package struct SendAdmissionDecision: Sendable {
    package var attempt: SendAttempt
    package var rules: [WindowRule]
    package var screening: SendScreening?
    package var now: Date

    package init(attempt: SendAttempt, rules: [WindowRule], screening: SendScreening? = nil, now: Date) {
        self.attempt = attempt
        self.rules = rules
        self.screening = screening
        self.now = now
    }


    /// What the backend reads next.
    package enum Fact: Sendable, Equatable, Hashable {
        /// Rule `rule`'s window with `limit` counted: whether that many sends of its scope are in it.
        case window(rule: Int, limit: Int)
        /// Distinct phones whose code sent from the attempt's network was entered within `window` seconds.
        case verifiedPhones(window: TimeInterval)
        /// The range's `RangeStanding`.
        case standing
        /// Challenges issued to the attempt's network in the counted hours (`ChallengeCounts.network`).
        case networkChallenges
    }

    package enum Step: Sendable, Equatable {
        case read(Fact)
        /// The answer. Its writes: `admitted` records the send and counts it for its range; `challenged` counts a
        /// challenge for the range and the network; `hardened` saves its block and counts a challenge; the rest
        /// write nothing.
        case apply(SendAdmission)
    }

    /// The facts read so far. `knownGood` (the phone signed in before) and the block in force come first, always.
    package struct Facts: Sendable, Equatable {
        package var knownGood: Bool
        package var block: RangeBlock?
        package var windows: [Int: WindowFill] = [:]
        package var verifiedPhones: [TimeInterval: Int] = [:]
        package var standing: RangeStanding?
        package var networkChallenges: Int?

        package init(
            knownGood: Bool,
            block: RangeBlock? = nil,
            windows: [Int: WindowFill] = [:],
            verifiedPhones: [TimeInterval: Int] = [:],
            standing: RangeStanding? = nil,
            networkChallenges: Int? = nil
        ) {
            self.knownGood = knownGood
            self.block = block
            self.windows = windows
            self.verifiedPhones = verifiedPhones
            self.standing = standing
            self.networkChallenges = networkChallenges
        }

        /// These facts without the fleet-wide ones, to be read again under the fleet's lock.
        package func forgettingFleetWide(of rules: [WindowRule]) -> Facts {
            var facts = self
            facts.windows = windows.filter { rules[$0.key].scope != .global }
            facts.standing = nil
            return facts
        }
    }

    /// The window reads `next` asks for one at a time, as many as the facts allow at once: every unread window, in
    /// order, whose limit is known, up to the first that needs another fact or that already refuses. The first is the
    /// one `next` asks for; a backend that counts several windows in one statement reads them together.
    package func windowReads(_ facts: Facts) -> [(rule: Int, limit: Int)] {
        var reads: [(rule: Int, limit: Int)] = []
        for (index, rule) in rules.enumerated() {
            guard let limit = limit(of: rule, facts) else { break }
            guard let fill = facts.windows[index] else {
                reads.append((index, limit))
                continue
            }
            if fill.retryAfter(window: rule.window, now: now) != nil { break }
        }
        return reads
    }

    /// The rule's limit, or nil until the fact it rests on is read: only a network's limit grows with the phones it got
    /// verified (a carrier NAT where real people sign in).
    private func limit(of rule: WindowRule, _ facts: Facts) -> Int? {
        guard rule.earned != nil, rule.scope == .ip else { return rule.max }
        return facts.verifiedPhones[rule.window].map { rule.limit(verifiedPhones: $0) }
    }

    /// True when `admission`, decided on `facts` read without the fleet's lock, writes on the strength of a fleet-wide
    /// fact: the backend must take the lock and decide again on fresh ones. A refusal writes nothing and stands.
    package func needsFleetLock(_ admission: SendAdmission, _ facts: Facts) -> Bool {
        guard admission.writes else { return false }
        return facts.windows.keys.contains { rules[$0].scope == .global } || facts.standing != nil
    }

    /// The next read, or the admission once the facts decide it. Pure: the same facts give the same step.
    package func next(_ facts: Facts) -> Step {
        if let block = facts.block, block.refuses { return .apply(.blocked(block)) }
        for (index, rule) in rules.enumerated() {
            guard let limit = limit(of: rule, facts) else { return .read(.verifiedPhones(window: rule.window)) }
            guard let fill = facts.windows[index] else { return .read(.window(rule: index, limit: limit)) }
            if let retryAfter = fill.retryAfter(window: rule.window, now: now) {
                return .apply(.refused(SendRefusal(rule: rule, retryAfter: retryAfter)))
            }
        }
        // A known-good phone is always sent to (past the limits above): its range's standing is not even read.
        guard let screening, !facts.knownGood else { return .apply(.admitted(knownGood: facts.knownGood)) }
        guard let standing = facts.standing else { return .read(.standing) }
        let policy = screening.policy
        switch policy.decide(standing, knownGood: false, solved: screening.solvedDifficulty, hardened: facts.block?.automatic == true) {
        case .send:
            return .apply(.admitted(knownGood: false))
        case .harden:
            let block = RangeBlock.automatic(
                prefix: attempt.prefix, unverified: standing.unverifiedLastHour, now: now, duration: policy.autoBlockFor)
            return .apply(.hardened(block, difficulty: policy.difficultyMax))
        case .challenge(let difficulty):
            guard let quota = screening.challengeQuota else { return .apply(.challenged(difficulty: difficulty)) }
            guard let issued = facts.networkChallenges else { return .read(.networkChallenges) }
            guard issued >= quota.max else { return .apply(.challenged(difficulty: difficulty)) }
            // Past the base share: the network's phones that got verified earn it more.
            guard let verified = facts.verifiedPhones[quota.window] else { return .read(.verifiedPhones(window: quota.window)) }
            guard issued >= quota.limit(verifiedPhones: verified) else { return .apply(.challenged(difficulty: difficulty)) }
            return .apply(.refused(SendRefusal(rule: quota, retryAfter: ChallengeCounts.retryAfter(at: now))))
        }
    }
}
