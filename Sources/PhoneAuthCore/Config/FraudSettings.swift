import Foundation

/// The SMS-pumping defence as configured (issue 14): the allowance policy, how long a challenge may be solved, and
/// what a text costs per market, for the estimated spend in logs and `/metrics`.
package struct FraudSettings: Sendable, Equatable {
    /// Off: send-code consults only the fixed limits (tests of everything else; never advised in production).
    package var enabled: Bool
    package var policy: SendAllowancePolicy
    package var challengeLifetime: Duration
    /// US dollars per text by market code. The defaults (`init`) are rough list prices of late 2026: set your provider's.
    package var prices: [String: Double]

    package init(
        enabled: Bool = true,
        policy: SendAllowancePolicy = SendAllowancePolicy(),
        challengeLifetime: Duration = .seconds(300),
        prices: [String: Double] = ["us": 0.0083, "kg": 0.10]
    ) {
        self.enabled = enabled
        self.policy = policy
        self.challengeLifetime = challengeLifetime
        self.prices = prices
    }

    package static let off = FraudSettings(enabled: false)

    /// Parses `us=0.0083,kg=0.1`.
    package static func prices(parsing text: String) throws -> [String: Double] {
        var table: [String: Double] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let price = Double(parts[1]), price >= 0, price.isFinite else {
                throw ConfigError("SMS price \(entry) must be MARKET=USD, e.g. us=0.0083")
            }
            table[parts[0].lowercased()] = price
        }
        return table
    }
}
