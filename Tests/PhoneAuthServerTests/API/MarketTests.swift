import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct MarketTests {
    @Test(arguments: [
        ("+13125550100", "us", "United States", "+1", "USD", "en"),
        ("+996555123456", "kg", "Kyrgyzstan", "+996", "KGS", "ru"),
    ])
    func theTokensMarketIsServed(phone: String, code: String, country: String, callingCode: String, currency: String, language: String)
        async throws
    {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: phone)
            let response = try await client.request(.get, "/api/v1/market", token: token)
            #expect(response.status == .ok)
            #expect(response.json["code"] as? String == code)
            #expect(response.json["country"] as? String == country)
            #expect(response.json["calling_code"] as? String == callingCode)
            #expect(response.json["currency"] as? String == currency)
            #expect(response.json["default_language"] as? String == language)
            #expect(try await client.request(.get, "/api/v1/markets/\(code)", token: token).status == .ok)
        }
    }

    @Test func anotherMarketInTheHeaderIs403() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+996555123456")
            let other = try await client.request(.get, "/api/v1/profile", token: token, headers: [.init("X-Market")!: "us"])
            #expect(other.status == .forbidden)
            #expect(other.errorCode == "market_mismatch")
            let same = try await client.request(.get, "/api/v1/profile", token: token, headers: [.init("X-Market")!: "KG"])
            #expect(same.status == .ok)
        }
    }

    @Test func anotherMarketInThePathIs403() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+13125550100")
            for path in ["/api/v1/markets/kg", "/api/v1/markets/kg/anything", "/api/v1/markets/zz"] {
                let response = try await client.request(.get, path, token: token)
                #expect(response.status == .forbidden)
                #expect(response.errorCode == "market_mismatch")
            }
        }
    }
}
