import Foundation

/// The channels each market sends codes by, in the order they are offered (`--channels kg=telegram,whatsapp,sms`):
/// the first is used when send-code names none; a market left out sends SMS only.
package struct ChannelPlan: Sendable, Equatable {
    package private(set) var byMarket: [String: [DeliveryChannel]]

    package init(_ byMarket: [String: [DeliveryChannel]] = [:]) {
        self.byMarket = byMarket
    }

    /// `kg=telegram,whatsapp,sms` — one market per entry.
    package init(parsing entries: [String]) throws(ConfigError) {
        var plan: [String: [DeliveryChannel]] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ConfigError("--channels \"\(entry)\" is not MARKET=CHANNEL,CHANNEL (e.g. kg=telegram,whatsapp,sms)")
            }
            var channels: [DeliveryChannel] = []
            for name in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = name.trimmingCharacters(in: .whitespaces)
                guard let channel = DeliveryChannel(rawValue: trimmed) else {
                    throw ConfigError("--channels \(parts[0]): unknown channel \"\(trimmed)\"; use sms, whatsapp, telegram or voice")
                }
                guard !channels.contains(channel) else { throw ConfigError("--channels \(parts[0]) names \(trimmed) twice") }
                channels.append(channel)
            }
            guard plan[parts[0]] == nil else { throw ConfigError("--channels names market \(parts[0]) twice") }
            plan[parts[0]] = channels
        }
        self.byMarket = plan
    }

    package func channels(for market: String) -> [DeliveryChannel] {
        byMarket[market] ?? [.sms]
    }

    /// Every channel some market offers.
    package func used(markets: [String]) -> Set<DeliveryChannel> {
        Set(markets.flatMap(channels(for:)))
    }

    /// The channel a send goes by: the one asked for, if the market offers it, else the market's first.
    package func choose(_ requested: DeliveryChannel?, market: String) throws(AppError) -> DeliveryChannel {
        let offered = channels(for: market)
        guard let requested else { return offered[0] }
        guard offered.contains(requested) else { throw .channelNotOffered }
        return requested
    }
}
