import Foundation
import PhoneAuthCore

/// Number ranges by activity, what the defence makes of each, and the block / unblock forms.
struct FraudPage: ConsolePage {
    static let template = ConsoleRenderer.Template.fraud

    struct Row: Sendable {
        var range: String
        var market: String
        var sent: Int
        var verified: Int
        var conversion: String
        var unverifiedLastHour: Int
        var verifiedLastHour: Int
        var allowance: Int
        var state: String
        var blocked: Bool
        /// No block, or only the defence's hardening: an operator may block it (confirm), as well as lift hardening.
        var offersBlock: Bool
        var blockDetail: String
    }

    /// A block in force, whether or not its range has sent anything lately.
    struct BlockRow: Sendable {
        var range: String
        var by: String
        var since: String
        var until: String
        var reason: String
    }

    var chrome: PageChrome
    var rows: [Row]
    var blocks: [BlockRow]
    var error: String?
    /// Kept in the form after a refused block, so the operator corrects rather than retypes.
    var range: String
    var reason: String
    /// What the look-up form was given, kept in it.
    var lookup: String
    /// "Ranges by activity", or the one range looked up.
    var rowsHeading: String
    var isLookup: Bool

    init(
        chrome: PageChrome, ranges: [RangeControls.Summary], blocks: [RangeBlock], error: String? = nil, range: String = "",
        reason: String = "", lookup: String = "", lookedUp: String? = nil
    ) {
        (self.chrome, self.error, self.range, self.reason, self.lookup) = (chrome, error, range, reason, lookup)
        rowsHeading = lookedUp.map { "Range \($0)" } ?? "Ranges by activity"
        isLookup = !lookup.isEmpty
        self.blocks = blocks.map { block in
            BlockRow(
                range: block.prefix, by: Self.by(block), since: ConsoleFormat.instant(block.createdAt),
                until: block.expiresAt.map(ConsoleFormat.instant) ?? "lifted by hand", reason: block.reason)
        }
        rows = ranges.map { summary in
            var detail = ""
            if let block = summary.block {
                let who = Self.by(block)
                let until = block.expiresAt.map { ", until \(ConsoleFormat.instant($0))" } ?? ", until lifted"
                detail = block.automatic
                    ? "Hardened \(who) at \(ConsoleFormat.instant(block.createdAt))\(until): \(block.reason). Block it if it is pumping."
                    : "Blocked \(who) at \(ConsoleFormat.instant(block.createdAt))\(until): \(block.reason)"
            }
            return Row(
                range: summary.range, market: summary.market, sent: summary.sent, verified: summary.verified,
                conversion: ConsoleFormat.percent(summary.verified, of: summary.sent), unverifiedLastHour: summary.unverifiedLastHour,
                verifiedLastHour: summary.verifiedLastHour, allowance: summary.allowance, state: summary.state.rawValue,
                blocked: summary.block != nil, offersBlock: summary.block?.automatic ?? true, blockDetail: detail)
        }
    }

    private static func by(_ block: RangeBlock) -> String {
        block.automatic ? "automatically" : block.createdBy.map { "by user \($0)" } ?? "by the CLI"
    }
}
