import Foundation

/// Who an SMS comes from, per market: countries differ. Many (Kyrgyzstan among them) show an alphanumeric sender id
/// such as `PhoneAuth`; the US and Canada take none and require a registered number (10DLC, toll-free) or a Twilio
/// messaging service holding such numbers.
package enum SMSSender: Sendable, Equatable {
    /// A number of the account, in E.164.
    case number(String)
    /// A Twilio messaging service (`MG` and 32 hex digits), which picks a registered number of its pool.
    case messagingService(String)
    /// 1 to 11 letters, digits and spaces, at least one letter.
    case alphanumeric(String)

    /// `+15005550006`, `MG…` or a name.
    package init(parsing text: String) throws(ConfigError) {
        if text.hasPrefix("+"), text.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), (8...16).contains(text.count) {
            self = .number(text)
        } else if text.hasPrefix("MG"), text.count == 34, text.dropFirst(2).allSatisfy({ $0.isHexDigit }) {
            self = .messagingService(text)
        } else if (1...11).contains(text.count), text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == " ") }),
            text.contains(where: \.isLetter)
        {
            self = .alphanumeric(text)
        } else {
            throw ConfigError(
                "sender \"\(text)\" is neither an E.164 number, a messaging service SID (MG…) nor an alphanumeric id of 1 to 11 letters and digits")
        }
    }

    /// `us=+15005550006`, `kg=PhoneAuth`: one market each.
    package static func table(parsing entries: [String], markets: MarketCatalog) throws(ConfigError) -> [String: SMSSender] {
        var table: [String: SMSSender] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let market = markets.market(code: parts[0]) else {
                throw ConfigError("--sms-sender \"\(entry)\" is not MARKET=SENDER for a configured market (e.g. kg=PhoneAuth)")
            }
            let sender = try SMSSender(parsing: parts[1])
            if case .alphanumeric = sender, market.callingCode == "1" {
                throw ConfigError(
                    "--sms-sender \(market.code): carriers of +1 numbers take no alphanumeric sender id; use a 10DLC or toll-free number or a "
                        + "messaging service (MG…)")
            }
            table[market.code] = sender
        }
        return table
    }
}
