import Testing

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
        #expect(try PhoneNumber(parsing: "+996555123456").masked == "+99655***456")
        #expect(try PhoneNumber(parsing: "+13125550100").masked == "+13125***100")
        #expect("\(try PhoneNumber(parsing: "+13125550100"))" == "+13125***100")
    }
}
