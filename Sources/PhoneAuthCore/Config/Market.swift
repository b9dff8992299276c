import Foundation

/// A country the product serves. The phone's calling code picks it; it fixes the user's country, default language,
/// currency and address rules, and it travels in the access token.
package struct Market: Codable, Sendable, Equatable {
    package var code: String
    package var country: String
    /// Digits only, without `+`: `"1"`, `"996"`.
    package var callingCode: String
    package var currency: String
    package var defaultLanguage: String
    /// Allowed lengths of the national number (the digits after the calling code).
    package var nationalNumberLengths: [Int]
    package var address: AddressRules
    /// When set, texts end with `@domain #code` so phones offer to fill the code in (one-time-code format).
    package var otpDomain: String? = nil

    package enum CodingKeys: String, CodingKey {
        case code, country, currency, address
        case otpDomain = "otp_domain"
        case callingCode = "calling_code"
        case defaultLanguage = "default_language"
        case nationalNumberLengths = "national_number_lengths"
    }

    package static let unitedStates = Market(
        code: "us", country: "United States", callingCode: "1", currency: "USD", defaultLanguage: "en",
        nationalNumberLengths: [10],
        address: AddressRules(regionRequired: true, regionPattern: "^[A-Z]{2}$", postalCodeRequired: true, postalCodePattern: #"^\d{5}(-\d{4})?$"#)
    )

    package static let kyrgyzstan = Market(
        code: "kg", country: "Kyrgyzstan", callingCode: "996", currency: "KGS", defaultLanguage: "ru",
        nationalNumberLengths: [9],
        address: AddressRules(regionRequired: false, regionPattern: nil, postalCodeRequired: false, postalCodePattern: #"^\d{6}$"#)
    )
}

/// How a market's addresses are checked. Patterns are whole-value regular expressions.
package struct AddressRules: Codable, Sendable, Equatable {
    package var regionRequired: Bool
    package var regionPattern: String?
    package var postalCodeRequired: Bool
    package var postalCodePattern: String?

    package enum CodingKeys: String, CodingKey {
        case regionRequired = "region_required"
        case regionPattern = "region_pattern"
        case postalCodeRequired = "postal_code_required"
        case postalCodePattern = "postal_code_pattern"
    }
}
