import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct AddressTests {
    static var usAddress: [String: Any] { ["label": "Home", "line1": "233 S Wacker Dr", "city": "Chicago", "region": "IL", "postal_code": "60606"] }
    static var kgAddress: [String: Any] { ["line1": "Chui Ave 120", "city": "Bishkek", "postal_code": "720040"] }

    @Test(arguments: Backend.all) func createListUpdateAndDelete(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+13125550100")
            let created = try await client.request(.post, "/api/v1/profile/addresses", json: Self.usAddress, token: token)
            #expect(created.status == .created)
            #expect(created.json["country"] as? String == "United States")
            #expect(created.json["region"] as? String == "IL")
            let id = try #require(created.json["id"] as? Int)

            let list = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            let items = try #require(list.json["addresses"] as? [[String: Any]])
            #expect(items.count == 1)
            #expect(items.first?["line1"] as? String == "233 S Wacker Dr")

            harness.clock.advance(by: 5)
            let updated = try await client.request(
                .patch, "/api/v1/profile/addresses/\(id)", json: ["postal_code": "60606-1234", "label": NSNull()], token: token)
            #expect(updated.status == .ok)
            #expect(updated.json["postal_code"] as? String == "60606-1234")
            #expect(updated.json["label"] is NSNull)
            #expect(updated.json["city"] as? String == "Chicago")

            let deleted = try await client.request(.delete, "/api/v1/profile/addresses/\(id)", token: token)
            #expect(deleted.status == .noContent)
            let empty = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            #expect((empty.json["addresses"] as? [Any])?.isEmpty == true)
            #expect(try await client.request(.delete, "/api/v1/profile/addresses/\(id)", token: token).status == .notFound)
        }
    }

    @Test(arguments: Backend.all) func aUserCannotSeeOrChangeAnotherUsersAddress(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let owner = try await harness.signIn(client, phone: "+13125550100")
            let intruder = try await harness.signIn(client, phone: "+13125550199")
            let created = try await client.request(.post, "/api/v1/profile/addresses", json: Self.usAddress, token: owner)
            let id = try #require(created.json["id"] as? Int)

            let list = try await client.request(.get, "/api/v1/profile/addresses", token: intruder)
            #expect((list.json["addresses"] as? [Any])?.isEmpty == true)
            let patch = try await client.request(.patch, "/api/v1/profile/addresses/\(id)", json: ["city": "Evanston"], token: intruder)
            #expect(patch.status == .notFound)
            #expect(patch.errorCode == "not_found")
            #expect(try await client.request(.delete, "/api/v1/profile/addresses/\(id)", token: intruder).status == .notFound)

            let stored = try await harness.sql.addresses().first
            #expect(stored?.city == "Chicago")
        }
    }

    @Test(arguments: Backend.all) func countryComesFromTheMarketNotTheClient(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+996555123456")
            var body = Self.kgAddress
            body["country"] = "United States"
            let created = try await client.request(.post, "/api/v1/profile/addresses", json: body, token: token)
            #expect(created.status == .created)
            #expect(created.json["country"] as? String == "Kyrgyzstan")
        }
    }

    @Test(
        arguments: [
            (["line1": "1 Main St", "city": "Chicago", "postal_code": "60606"], "region"),
            (["line1": "1 Main St", "city": "Chicago", "region": "Illinois", "postal_code": "60606"], "region"),
            (["line1": "1 Main St", "city": "Chicago", "region": "IL"], "postal_code"),
            (["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "6060"], "postal_code"),
            (["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60606-12"], "postal_code"),
            (["city": "Chicago", "region": "IL", "postal_code": "60606"], "line1"),
            (["line1": "   ", "city": "Chicago", "region": "IL", "postal_code": "60606"], "line1"),
            (["line1": "1 Main St", "region": "IL", "postal_code": "60606"], "city"),
            (["line1": String(repeating: "a", count: 201), "city": "Chicago", "region": "IL", "postal_code": "60606"], "line1"),
            (["label": String(repeating: "a", count: 51), "line1": "1 Main", "city": "Chicago", "region": "IL", "postal_code": "60606"], "label"),
        ] as [([String: String], String)])
    func usAddressesNeedAStateAndAZIP(body: [String: String], field: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+13125550100")
            let response = try await client.request(.post, "/api/v1/profile/addresses", json: body, token: token)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "validation_failed")
            #expect(response.errorDetail["field"] as? String == field)
        }
    }

    @Test(
        arguments: [
            (["line1": "Chui Ave 120", "city": "Bishkek"], nil),
            (["line1": "Chui Ave 120", "city": "Bishkek", "postal_code": "720040"], nil),
            (["line1": "Chui Ave 120", "city": "Bishkek", "postal_code": "72004"], "postal_code"),
            (["line1": "Chui Ave 120", "city": "Bishkek", "postal_code": "60606"], "postal_code"),
            (["line1": "Chui Ave 120"], "city"),
        ] as [([String: String], String?)])
    func kgAddressesTakeAnOptionalSixDigitPostalCode(body: [String: String], field: String?) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+996555123456")
            let response = try await client.request(.post, "/api/v1/profile/addresses", json: body, token: token)
            if let field {
                #expect(response.status == .badRequest)
                #expect(response.errorDetail["field"] as? String == field)
            } else {
                #expect(response.status == .created)
            }
        }
    }

    @Test(arguments: Backend.all) func anInvalidPatchLeavesTheAddressUnchanged(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+13125550100")
            let created = try await client.request(.post, "/api/v1/profile/addresses", json: Self.usAddress, token: token)
            let id = try #require(created.json["id"] as? Int)
            let response = try await client.request(.patch, "/api/v1/profile/addresses/\(id)", json: ["region": NSNull()], token: token)
            #expect(response.status == .badRequest)
            #expect(response.errorDetail["field"] as? String == "region")
            let stored = try await harness.sql.addresses().first
            #expect(stored?.region == "IL")
        }
    }

    @Test(arguments: Backend.all) func theTwentyFirstAddressIsRefused(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+996555123456")
            for index in 1...20 {
                let response = try await client.request(
                    .post, "/api/v1/profile/addresses", json: ["line1": "Street \(index)", "city": "Osh"], token: token)
                #expect(response.status == .created)
            }
            let extra = try await client.request(.post, "/api/v1/profile/addresses", json: ["line1": "One too many", "city": "Osh"], token: token)
            #expect(extra.status == .conflict)
            #expect(extra.errorCode == "address_limit_reached")
            let count = try await harness.sql.addresses().count
            #expect(count == 20)
        }
    }

    @Test(arguments: ["abc", "0", "-1", "99999999999999999999"])
    func nonexistentOrMalformedIDsAre404(id: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+996555123456")
            let response = try await client.request(.patch, "/api/v1/profile/addresses/\(id)", json: ["city": "Osh"], token: token)
            #expect(response.status == .notFound)
            #expect(response.errorCode == "not_found")
        }
    }
}
