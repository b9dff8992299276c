/// `GET /api/v1/market`: the market the caller's token is for.
public struct MarketInfo: Codable, Sendable, Equatable {
    /// The market's code (`us`, `kg`).
    public var code: String
    /// The country's name.
    public var country: String
    /// The international calling code, with its `+` (`+996`).
    public var callingCode: String
    /// ISO 4217 currency code.
    public var currency: String
    /// The language new users of the market get.
    public var defaultLanguage: String

    /// A market as configured.
    public init(code: String, country: String, callingCode: String, currency: String, defaultLanguage: String) {
        (self.code, self.country, self.callingCode) = (code, country, callingCode)
        (self.currency, self.defaultLanguage) = (currency, defaultLanguage)
    }

    package enum CodingKeys: String, CodingKey {
        case code, country, currency
        case callingCode = "calling_code"
        case defaultLanguage = "default_language"
    }
}
