import ArgumentParser
import Foundation
import PhoneAuthCore

/// `PhoneAuthServer admin ranges | block-range | unblock-range`: the fraud defence's number ranges, straight on the
/// database (a running server sees a block on its next send-code). Ranges are checked against the built-in markets,
/// or those of `--markets-file`.
extension AdminCommand {
    struct RangeOptions: ParsableArguments {
        @OptionGroup var database: DatabaseOption
        @Option(help: "JSON file of markets (PHONEAUTH_MARKETS_FILE, default: us and kg built in).") var marketsFile: String?

        func withActions<Value: Sendable>(_ body: @Sendable @escaping (OperatorActions) async throws -> Value) async throws -> Value {
            let path = marketsFile ?? ProcessInfo.processInfo.environment["PHONEAUTH_MARKETS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            let markets: MarketCatalog
            do { markets = try path.map(MarketCatalog.load(path:)) ?? .builtIn } catch let error as ConfigError {
                throw ValidationError(error.description)
            }
            return try await database.withStorage { storage in
                try await body(AdminCommand.actions(storage, markets: markets))
            }
        }
    }

    /// A range the CLI was given that is not one: exit 64 with the API's explanation.
    static func validated<Value>(_ body: () async throws -> Value) async throws -> Value {
        do { return try await body() } catch let error as AppError { throw ValidationError(error.message) }
    }

    struct Ranges: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List number ranges, busiest first, and the blocks in force.")
        @OptionGroup var options: RangeOptions
        @Option(help: "How many ranges (default 20). Allowance and state are as the shipped defence computes them.") var limit = 20
        @Option(help: "Only this range (e.g. +1312), also when nothing was sent to it.") var range: String?

        func run() async throws {
            guard (1...500).contains(limit) else { throw ValidationError("--limit must be 1 to 500") }
            try await options.withActions { [limit, range] actions in
                let controls = actions.ranges
                let formatter = ISO8601DateFormatter()
                let ranges: [RangeControls.Summary]
                if let range {
                    ranges = [try await AdminCommand.validated { try await controls.summary(of: range) }]
                } else {
                    ranges = try await controls.busiest(limit: limit)
                }
                print("RANGE      MARKET  SENT  VERIFIED  UNVERIFIED/H  ALLOWANCE  STATE")
                for range in ranges {
                    print([range.range.padding(10), range.market.padding(6), String(range.sent).padding(4), String(range.verified).padding(8),
                           String(range.unverifiedLastHour).padding(12), String(range.allowance).padding(9), range.state.rawValue]
                        .joined(separator: "  "))
                }
                // One range: its own block, already in its summary.
                let blocks = range == nil ? try await controls.blocks() : ranges.compactMap(\.block)
                print(blocks.isEmpty ? "no blocks in force" : "\nBLOCKED    BY         SINCE                 UNTIL                 REASON")
                for block in blocks {
                    let by = block.automatic ? "automatic" : block.createdBy.map { "user \($0)" } ?? "cli"
                    print([block.prefix.padding(10), by.padding(9), formatter.string(from: block.createdAt),
                           block.expiresAt.map(formatter.string(from:)) ?? "lifted by hand".padding(20), block.reason].joined(separator: "  "))
                }
            }
        }
    }

    struct BlockRange: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "block-range", abstract: "Stop every code to a number range, e.g. +1312, until it is unblocked.")
        @OptionGroup var options: RangeOptions
        @Argument(help: "The range: + calling code and three digits.") var range: String
        @Option(help: "Why (kept with the block).") var reason: String

        func run() async throws {
            try await options.withActions { [range, reason] actions in
                let block = try await AdminCommand.validated { try await actions.blockRange(range, reason: reason, by: .cli) }
                print("blocked \(block.prefix)")
            }
        }
    }

    struct UnblockRange: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "unblock-range", abstract: "Lift a range's block, by hand or automatic.")
        @OptionGroup var options: RangeOptions
        @Argument(help: "The range: + calling code and three digits.") var range: String

        func run() async throws {
            try await options.withActions { [range] actions in
                guard try await AdminCommand.validated({ try await actions.unblockRange(range, by: .cli) }) else {
                    FileHandle.standardError.write(Data("phoneauth: \(range) has no block in force\n".utf8))
                    throw ExitCode(1)
                }
                print("unblocked \(range)")
            }
        }
    }
}

extension String {
    /// Left-aligned in a column of `width` characters.
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
