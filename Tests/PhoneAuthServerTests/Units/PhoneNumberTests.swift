import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        ("+13125550100", "+13125550100"),
        ("+1 312 555 0100", "+13125550100"),
        ("+1 (312) 555-0100", "+13125550100"),
        ("+1.312.555.0100", "+13125550100"),
        ("001 312 555 0100", "+13125550100"),
        ("  +13125550100  ", "+13125550100"),
        ("+996555123456", "+996555123456"),
        ("+996 555 123 456", "+996555123456"),
        ("00996555123456", "+996555123456"),
        ("+996 (555) 12-34-56", "+996555123456"),
        ("+44 20 7946 0958", "+442079460958"),
    ])
    func normalizesToE164(raw: String, e164: String) throws {
        #expect(try PhoneNumber(parsing: raw).e164 == e164)
    }

    @Test(arguments: [
        "", "+", "13125550100", "0996555123456", "+1 312 555 O100", "+1-312-555-0100x12", "+0123456789",
        "+1234567", "+1234567890123456", "phone", "+996 555 123 456;", "++13125550100", "+1/312/555/0100", "+٣١٢٥٥٥٠١٠٠",
    ])
    func refusesJunk(raw: String) {
        #expect(throws: AppError.invalidPhone) { try PhoneNumber(parsing: raw) }
    }

    /// Each of these once reached the gateway as a second spelling of a real number (issue 10, finding 4).
    @Test(arguments: [
        "+1312555010\u{301}0",  // combining acute accent on a digit
        "+13125550100\u{301}",  // combining mark at the end
        "+1312555010\u{20E3}",  // keycap mark
        "+1312555010\u{FE0F}\u{20E3}",  // emoji keycap sequence
        "+１３１２５５５０１００",  // full-width digits
        "+1312555０100",  // one full-width digit
        "+١٣١٢٥٥٥٠١٠٠",  // Arabic-Indic digits
        "+۱۳۱۲۵۵۵۰۱۰۰",  // extended Arabic-Indic digits
        "+1312\u{200B}5550100",  // zero-width space
        "+1312\u{200D}5550100",  // zero-width joiner
        "\u{FEFF}+13125550100",  // byte-order mark
        "+1312\u{00A0}5550100",  // no-break space
        "\u{FF0B}13125550100",  // full-width plus
        "+\u{301}13125550100",  // combining mark on the plus
    ])
    func onlyASCIIDigitsCount(raw: String) {
        #expect(throws: AppError.invalidPhone) { try PhoneNumber(parsing: raw) }
    }

    @Test(arguments: [("+13125550100", "us"), ("+996555123456", "kg"), ("+996700111222", "kg")])
    func callingCodePicksTheMarket(raw: String, market: String) throws {
        #expect(try MarketCatalog.builtIn.market(for: PhoneNumber(parsing: raw)).code == market)
    }

    @Test func numbersOutsideEveryMarketAreNotSupported() throws {
        #expect(throws: AppError.marketNotSupported) { try MarketCatalog.builtIn.market(for: PhoneNumber(parsing: "+442079460958")) }
        #expect(throws: AppError.marketNotSupported) { try MarketCatalog.builtIn.market(for: PhoneNumber(parsing: "+99312345678")) }
    }

    @Test(arguments: ["+1312555010", "+131255501000", "+99655512345", "+9965551234567"])
    func aWrongLengthForTheMarketIsInvalid(raw: String) throws {
        #expect(throws: AppError.invalidPhone) { try MarketCatalog.builtIn.market(for: PhoneNumber(parsing: raw)) }
    }

    @Test func maskingKeepsOnlyThePrefixAndTheLastThreeDigits() throws {
        #expect(try PhoneNumber(parsing: "+996555123456").masked == "+996***56")
        #expect(try PhoneNumber(parsing: "+13125550100").masked == "+1***00")
        #expect(try PhoneNumber(parsing: "+447911123456").masked == "+44***56")
        #expect(try PhoneNumber(parsing: "+79161234567").masked == "+7***67")
        #expect("\(try PhoneNumber(parsing: "+13125550100"))" == "+1***00")
    }
}
