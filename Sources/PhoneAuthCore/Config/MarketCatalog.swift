import Foundation

/// The configured markets, looked up by code or by a phone number's calling code (longest prefix wins).
package struct MarketCatalog: Sendable, Equatable {
    package let markets: [Market]

    // Two constant markets that satisfy every rule init checks; the initializer cannot throw for them.
    package static let builtIn = try! MarketCatalog([.unitedStates, .kyrgyzstan])

    package init(_ markets: [Market]) throws {
        guard !markets.isEmpty else { throw ConfigError("the market list is empty") }
        var seenCodes = Set<String>()
        var seenCallingCodes = Set<String>()
        for market in markets {
            guard market.code.wholeMatch(of: /[a-z]{2,8}/) != nil else {
                throw ConfigError("market code \"\(market.code)\" must be 2 to 8 lowercase letters")
            }
            guard market.callingCode.wholeMatch(of: /[1-9][0-9]{0,2}/) != nil else {
                throw ConfigError("market \(market.code): calling_code must be 1 to 3 digits without +")
            }
            guard !market.nationalNumberLengths.isEmpty,
                market.nationalNumberLengths.allSatisfy({ $0 >= 4 && market.callingCode.count + $0 <= 15 })
            else {
                throw ConfigError("market \(market.code): national_number_lengths must keep numbers within E.164's 15 digits")
            }
            for pattern in [market.address.regionPattern, market.address.postalCodePattern].compactMap({ $0 }) {
                guard (try? Regex(pattern)) != nil else { throw ConfigError("market \(market.code): bad pattern \(pattern)") }
            }
            guard seenCodes.insert(market.code).inserted else { throw ConfigError("market \(market.code) is listed twice") }
            guard seenCallingCodes.insert(market.callingCode).inserted else {
                throw ConfigError("calling code +\(market.callingCode) is listed twice")
            }
        }
        // Longest calling code first, so +996 is not taken for a +9… prefix.
        self.markets = markets.sorted { $0.callingCode.count > $1.callingCode.count }
    }

    /// Reads `{"markets":[…]}` from a JSON file.
    package static func load(path: String) throws -> MarketCatalog {
        struct File: Decodable { var markets: [Market] }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ConfigError("cannot read markets file \(path)")
        }
        do { return try MarketCatalog(JSONDecoder().decode(File.self, from: data).markets) } catch let error as ConfigError {
            throw error
        } catch {
            throw ConfigError("markets file \(path) is not valid: \(error)")
        }
    }

    package func market(code: String) -> Market? {
        markets.first { $0.code == code }
    }

    /// The market of an E.164 number; `invalidPhone` when its length does not fit that country,
    /// `marketNotSupported` when no market has its calling code.
    package func market(for phone: PhoneNumber) throws(AppError) -> Market {
        let digits = phone.e164.dropFirst()
        guard let market = markets.first(where: { digits.hasPrefix($0.callingCode) }) else { throw .marketNotSupported }
        guard market.nationalNumberLengths.contains(digits.count - market.callingCode.count) else { throw .invalidPhone }
        return market
    }

    /// Languages a profile may choose: every market's default plus the extra ones the product ships texts for.
    package var languages: Set<String> {
        Set(markets.map(\.defaultLanguage)).union(["en", "ru", "ky"])
    }
}
