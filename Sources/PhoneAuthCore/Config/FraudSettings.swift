import Foundation

/// The SMS-pumping defence as configured (issue 14): the allowance policy, how long a challenge may be solved, and
/// what a text costs per market, for the estimated spend in logs and `/metrics`.
package struct FraudSettings: Sendable, Equatable {
    /// Off: send-code consults only the fixed limits (tests of everything else; never advised in production).
    package var enabled: Bool
    package var policy: SendAllowancePolicy
    package var challengeLifetime: Duration
    /// US dollars per message: by market code for SMS, by `market/channel` for the other channels. The defaults
    /// (`init`) are rough list prices of late 2026 (an SMS, a WhatsApp authentication message, a Telegram Gateway
    /// message, a short call): set your providers'.
    package var prices: [String: Double]

    package init(
        enabled: Bool = true,
        policy: SendAllowancePolicy = SendAllowancePolicy(),
        challengeLifetime: Duration = .seconds(300),
        prices: [String: Double] = [
            "us": 0.0083, "kg": 0.10, "us/whatsapp": 0.0135, "kg/whatsapp": 0.025, "us/telegram": 0.01, "kg/telegram": 0.01,
            "us/voice": 0.014, "kg/voice": 0.30,
        ]
    ) {
        self.enabled = enabled
        self.policy = policy
        self.challengeLifetime = challengeLifetime
        self.prices = prices
    }

    package static let off = FraudSettings(enabled: false)

    /// What one message by `channel` to `market` costs, if a price is set.
    package func price(market: String, channel: DeliveryChannel) -> Double? {
        prices[channel == .sms ? market : "\(market)/\(channel.rawValue)"]
    }

    /// Parses `us=0.0083,kg=0.1,kg/whatsapp=0.025`.
    package static func prices(parsing text: String) throws -> [String: Double] {
        var table: [String: Double] = [:]
        for entry in text.split(separator: ",") {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let key = parts.first?.split(separator: "/", omittingEmptySubsequences: false) ?? []
            guard parts.count == 2, let market = key.first, !market.isEmpty, key.count <= 2,
                key.count == 1 || DeliveryChannel(rawValue: String(key[1]).lowercased()) != nil,
                let price = Double(parts[1]), price >= 0, price.isFinite
            else {
                throw ConfigError("price \(entry) must be MARKET=USD or MARKET/CHANNEL=USD, e.g. us=0.0083 or kg/whatsapp=0.025")
            }
            table[parts[0].lowercased()] = price
        }
        return table
    }
}
