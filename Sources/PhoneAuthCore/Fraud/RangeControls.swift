import Foundation

/// What an operator does about number ranges: see how they stand, block one, lift a block. The admin API, the CLI and
/// the console all go through here, so a block means the same wherever it was set.
package struct RangeControls: Sendable {
    package let ranges: any RangeRepository
    package let markets: MarketCatalog
    package let policy: SendAllowancePolicy
    package let now: WallClock

    /// One range with what the defence makes of it right now.
    package struct Summary: Sendable, Equatable, Encodable {
        package enum State: String, Sendable, Encodable {
            /// Codes go out without a challenge.
            case open
            /// Unknown numbers must solve a challenge first (the range or the whole server is past its allowance).
            case challenged
            /// Pumped past its allowance with no sign-in: unknown numbers solve the hardest challenge for each code until
            /// the automatic block ends or an operator confirms a real one.
            case hardened
            /// Blocked by an operator: no code goes to it.
            case blocked
        }

        package var range: String
        package var market: String
        package var sent: Int
        package var verified: Int
        package var unverifiedLastHour: Int
        package var verifiedLastHour: Int
        package var allowance: Int
        package var state: State
        /// An explicit null when not blocked.
        @ExplicitNull package var block: RangeBlock? = nil

        package enum CodingKeys: String, CodingKey {
            case range, market, sent, verified, allowance, state, block
            case unverifiedLastHour = "unverified_last_hour"
            case verifiedLastHour = "verified_last_hour"
        }
    }

    /// A range as the fraud defence counts it: `+`, a configured calling code and the next three digits (`+1312`,
    /// `+996555`). Spaces, dashes, a missing `+` and a percent-encoded one are forgiven. Four to six digits that
    /// are no configured market's range are not found (404); anything else is not a range (400).
    package func range(parsing raw: String) throws(AppError) -> (range: String, market: Market) {
        let text = (raw.removingPercentEncoding ?? raw).filter { $0 != " " && $0 != "-" }
        let digits = text.hasPrefix("+") ? text.dropFirst() : text[...]
        guard (4...6).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw AppError.validation("range", "A range is + and a configured calling code followed by three digits, e.g. +1312.")
        }
        guard let market = markets.markets.first(where: { digits.hasPrefix($0.callingCode) && digits.count == $0.callingCode.count + 3 })
        else {
            throw AppError(.notFound, "No configured market has the range +\(digits): its calling code and three digits, e.g. +1312.")
        }
        return ("+" + digits, market)
    }

    package func block(_ text: String, reason: String, by operatorID: Int64?) async throws -> RangeBlock {
        let reason = try FieldRules.required(reason, field: "reason", maxLength: OperatorReason.maximumLength)
        return try await ranges.block(prefix: try range(parsing: text).range, reason: reason, by: operatorID, now: now())
    }

    /// False when the range had no block in force.
    package func unblock(_ text: String) async throws -> Bool {
        try await ranges.unblock(prefix: try range(parsing: text).range, now: now())
    }

    package func blocks() async throws -> [RangeBlock] {
        try await ranges.blocks(now: now())
    }

    /// The busiest ranges first (by unverified sends of the last hour, then by sends ever).
    package func busiest(limit: Int) async throws -> [Summary] {
        try await ranges.busiestRanges(limit: limit, now: now()).map(summary)
    }

    /// One range as it stands now, whether or not anything was sent to it (an operator checking a range a provider
    /// named). Throws `validation_failed` for text that is not a range.
    package func summary(of text: String) async throws -> Summary {
        let range = try range(parsing: text).range
        let now = now()
        let block = try await ranges.blocks(now: now).first { $0.prefix == range }
        return summary(RangeReport(prefix: range, standing: try await ranges.standing(prefix: range, now: now), block: block))
    }

    private func summary(_ report: RangeReport) -> Summary {
        let state: Summary.State =
            if let block = report.block { block.automatic ? .hardened : .blocked } else if policy.decide(report.standing, knownGood: false) == .send {
                .open
            } else { .challenged }
        return Summary(
            range: report.prefix, market: (try? range(parsing: report.prefix).market.code) ?? "unknown", sent: report.standing.sent,
            verified: report.standing.verified, unverifiedLastHour: report.standing.unverifiedLastHour,
            verifiedLastHour: report.standing.verifiedLastHour, allowance: policy.allowance(of: report.standing), state: state, block: report.block)
    }
}
