import Foundation

/// Each channel's own limits, on top of the server-wide ones every send passes first (`SendLimits`): a budget of
/// messages an hour and a day for the whole channel, and messages an hour and a day to one phone by it
/// (`--channel-limit voice=hour:100,day:500,phone-hour:2,phone-day:4`). Voice is limited by default: a call to a
/// premium-rate number is the costliest pumping there is, and a real person rarely needs more than a few calls.
package struct ChannelLimits: Sendable, Equatable {
    package struct Limit: Sendable, Equatable {
        package var perHour: Int?
        package var perDay: Int?
        package var perPhonePerHour: Int?
        package var perPhonePerDay: Int?

        package init(perHour: Int? = nil, perDay: Int? = nil, perPhonePerHour: Int? = nil, perPhonePerDay: Int? = nil) {
            (self.perHour, self.perDay, self.perPhonePerHour, self.perPhonePerDay) = (perHour, perDay, perPhonePerHour, perPhonePerDay)
        }

        /// The channel's budgets as claims at `now` (hour first).
        package func budgetClaims(now: Date) -> [BudgetRing.Claim] {
            [(3_600.0, perHour), (86_400.0, perDay)].compactMap { window, max in max.map { BudgetRing.Claim(window: window, max: $0, now: now) } }
        }

        /// The per-phone windows, as (seconds, max).
        package var phoneWindows: [(window: TimeInterval, max: Int)] {
            [(3_600.0, perPhonePerHour), (86_400.0, perPhonePerDay)].compactMap { window, max in max.map { (window, $0) } }
        }

        /// Seconds until one more message by this channel may go to a phone that got messages by it at `sent`
        /// (newest first, a day's worth at most); nil when one may go now.
        package func phoneRetryAfter(sent: [Date], now: Date) -> Int? {
            phoneWindows.compactMap { window, max -> Int? in
                let counted = sent.filter { now.timeIntervalSince($0) < window }
                guard counted.count >= max else { return nil }
                // A limit of 0 closes the channel to every phone for the window.
                guard max > 0 else { return Int(window) }
                return SlidingWindowMath.retryAfter(oldestCounted: counted[max - 1], window: window, now: now)
            }.max()
        }
    }

    package private(set) var byChannel: [DeliveryChannel: Limit]

    /// Voice: 3 calls an hour and 5 a day to one phone; every other channel only the server-wide limits.
    package static let defaults = ChannelLimits(byChannel: [.voice: Limit(perPhonePerHour: 3, perPhonePerDay: 5)])

    package init(byChannel: [DeliveryChannel: Limit] = [:]) {
        self.byChannel = byChannel
    }

    package func limit(for channel: DeliveryChannel) -> Limit {
        byChannel[channel] ?? Limit()
    }

    /// The defaults with each entry's settings over them: `voice=hour:100,day:500,phone-hour:2,phone-day:4`, `off`
    /// for none, a key left out keeps its default.
    package init(parsing entries: [String]) throws(ConfigError) {
        var limits = Self.defaults.byChannel
        var named: Set<DeliveryChannel> = []
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, let channel = DeliveryChannel(rawValue: parts[0]) else {
                throw ConfigError("--channel-limit \"\(entry)\" is not CHANNEL=KEY:N,… with CHANNEL one of sms, whatsapp, telegram, voice")
            }
            guard named.insert(channel).inserted else { throw ConfigError("--channel-limit names \(channel.rawValue) twice") }
            var limit = limits[channel] ?? Limit()
            if parts[1] == "off" {
                limits[channel] = Limit()
                continue
            }
            for setting in parts[1].split(separator: ",") {
                let pair = setting.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                let number = pair.count == 2 ? Int(pair[1]) : nil
                guard pair.count == 2, pair[1] == "off" || (number ?? -1) >= 0 else {
                    throw ConfigError("--channel-limit \(channel.rawValue): \"\(setting)\" is not KEY:N (N a whole number, or off)")
                }
                let value = pair[1] == "off" ? nil : number
                switch pair[0] {
                case "hour": limit.perHour = value
                case "day": limit.perDay = value
                case "phone-hour": limit.perPhonePerHour = value
                case "phone-day": limit.perPhonePerDay = value
                default: throw ConfigError("--channel-limit \(channel.rawValue): unknown key \"\(pair[0])\"; use hour, day, phone-hour or phone-day")
                }
            }
            limits[channel] = limit
        }
        self.byChannel = limits
    }
}
