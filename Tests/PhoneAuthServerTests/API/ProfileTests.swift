import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct ProfileTests {
    @Test(arguments: Backend.all) func profileIsReadFreshFromTheDatabaseNotFromTheToken(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            try await harness.sql.execute("UPDATE users SET full_name = 'Changed Elsewhere', language = 'ru'")
            for path in ["/api/v1/profile", "/api/user/me"] {
                let response = try await client.request(.get, path, token: token)
                #expect(response.status == .ok)
                #expect(response.json["full_name"] as? String == "Changed Elsewhere")
                #expect(response.json["language"] as? String == "ru")
            }
        }
    }

    @Test(arguments: Backend.all) func patchUpdatesTheGivenFieldsAndLeavesTheRest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            harness.clock.advance(by: 10)
            let response = try await client.request(
                .patch, "/api/v1/profile",
                json: ["full_name": "  Aida Bekova ", "profile_image_url": "https://cdn.example.com/a.png", "language": "ky"], token: token)
            #expect(response.status == .ok)
            #expect(response.json["full_name"] as? String == "Aida Bekova")
            #expect(response.json["profile_image_url"] as? String == "https://cdn.example.com/a.png")
            #expect(response.json["language"] as? String == "ky")
            #expect(response.json["market"] as? String == "us")

            let partial = try await client.request(.patch, "/api/v1/profile", json: ["language": "en"], token: token)
            #expect(partial.json["full_name"] as? String == "Aida Bekova")
            #expect(partial.json["language"] as? String == "en")

            let stored = try await harness.sql.users().first
            #expect(stored?.fullName == "Aida Bekova")
            #expect(stored?.updatedAt == harness.clock.now)
        }
    }

    @Test(arguments: Backend.all) func nullClearsAnOptionalField(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            _ = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "Someone"], token: token)
            let cleared = try await client.request(.patch, "/api/v1/profile", body: #"{"full_name": null}"#, token: token)
            #expect(cleared.status == .ok)
            #expect(cleared.json["full_name"] is NSNull)
        }
    }

    @Test(arguments: [
        (#"{"full_name": "\#(String(repeating: "a", count: 101))"}"#, "full_name"),
        (#"{"full_name": "line\nbreak"}"#, "full_name"),
        (#"{"profile_image_url": "http://cdn.example.com/a.png"}"#, "profile_image_url"),
        (#"{"profile_image_url": "javascript:alert(1)"}"#, "profile_image_url"),
        (#"{"profile_image_url": "https://"}"#, "profile_image_url"),
        (#"{"profile_image_url": "https://e.com/\#(String(repeating: "a", count: 500))"}"#, "profile_image_url"),
        (#"{"language": "xx"}"#, "language"),
        (#"{"language": null}"#, "language"),
    ])
    func invalidProfileChangesAre400AndChangeNothing(body: String, field: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client)
            let response = try await client.request(.patch, "/api/v1/profile", body: body, token: token)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "validation_failed")
            #expect(response.errorDetail["field"] as? String == field)
            let stored = try await harness.sql.users().first
            #expect(stored?.fullName == nil && stored?.profileImageURL == nil && stored?.language == "en")
        }
    }

    @Test(arguments: Backend.all) func aMistypedFieldIsNamed(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            let response = try await client.request(.patch, "/api/v1/profile", body: #"{"full_name": 42}"#, token: token)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_request")
            #expect(response.errorDetail["field"] as? String == "full_name")
        }
    }
}
