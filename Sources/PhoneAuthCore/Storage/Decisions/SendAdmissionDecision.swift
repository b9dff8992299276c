import Foundation

/// How one send is admitted, decided once for every backend (`SignInRepository.admit`): a block on the range refuses
/// first; then the window rules in order; then the fraud screening may ask for a challenge (within the network's
/// quota of them) or harden the range. The backend holds its lock, reads what `next` asks for, and applies the
/// admission it ends with; the rule reads facts only when it needs them, so a known-good phone costs no screening.
///
/// A backend shared by several instances locks the attempt's phone, network and range, and reads the fleet-wide facts
/// (the budgets' rings, the standing's server-wide count) without a lock at first. Before it writes an admission that
/// rests on them it claims the send in its pool's budgets (`needsBudgetClaim`, `claims`: a conditional write of the
/// pool's budget rows that fails when one is full) and, holding those rows, reads the standing again
/// (`Facts.afterClaim`): sends of a pool meet only at that claim, for the statements between it and their commit.
/// (A challenge is written without a claim: decided on a count a moment old, it lets nothing more through.)
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

        /// These facts once the budgets are claimed: every budget has room (the claim proved it), and the standing
        /// is to be read again, now that the pool's sends wait for this one.
        package func afterClaim(of rules: [WindowRule]) -> Facts {
            var facts = self
            for (index, rule) in rules.enumerated() where rule.scope == .global { facts.windows[index] = .under }
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

    /// True when `admission`, decided on `facts` read without a fleet-wide lock, sends on the strength of a fleet-wide
    /// fact: the backend must claim the budgets (`claims`) and decide again on `Facts.afterClaim`. Anything else stands:
    /// a refusal writes nothing, and a challenge decided on a count a moment old lets nothing more through.
    package func needsBudgetClaim(_ admission: SendAdmission, _ facts: Facts) -> Bool {
        guard admission.isAdmitted else { return false }
        return facts.windows.keys.contains { rules[$0].scope == .global } || facts.standing != nil
    }

    /// What an admission claims: one send in each budget of the attempt's pool, while it has room. With no budget
    /// configured, a send whose standing was read still claims the pool's hourly ring (without a limit), so the sends
    /// that read the server-wide count of unverified sends still meet.
    package func claims(_ facts: Facts) -> [BudgetRing.Claim] {
        let budgets = rules.filter { $0.scope == .global }.map { BudgetRing.Claim(window: $0.window, max: $0.max, now: now) }
        return budgets.isEmpty && facts.standing != nil ? [BudgetRing.Claim(window: 3_600, max: .max, now: now)] : budgets
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
