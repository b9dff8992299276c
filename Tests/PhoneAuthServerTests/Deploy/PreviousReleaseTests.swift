import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// A rolling upgrade, as the README's "Upgrading one instance at a time" promises: the previous release's own binary
/// (`PREVIOUS_RELEASE` in the Makefile, built from git by `make previous-release`, which `make test` runs) serves a
/// PostgreSQL database, this release starts beside it and migrates the schema, and the previous release goes on
/// serving every kind of request on the migrated schema while the two share the users, sessions and limits.
@Suite struct PreviousReleaseTests {
    static let backends = Backend.all.filter { $0 == .postgres }

    @Test(arguments: backends)
    func thePreviousReleaseKeepsServingOnTheSchemaThisReleaseMigratesTo(backend: Backend) async throws {
        let binary = try #require(
            ProcessInfo.processInfo.environment["PHONEAUTH_PREVIOUS_RELEASE"].map { URL(fileURLWithPath: $0) },
            "PHONEAUTH_PREVIOUS_RELEASE names no binary: run `make previous-release` (make test does)")
        #expect(FileManager.default.isExecutableFile(atPath: binary.path), "\(binary.path)")
        let harness = try await TestHarness.make(backend)
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            // The previous release makes the database and serves it alone.
            let previous = try await Instance.start(database: harness.databaseURL, webhook: webhook, binary: binary)
            try await Instance.stopping([previous]) {
                let first = try await previous.signIn(receiver, phone: "+13125550101")
                let before = try await harness.sql.strings("SELECT version FROM schema_migrations")
                #expect(!before.contains(SchemaHistory.name(SchemaHistory.latest)), "the previous release already had the latest schema")

                // This release starts beside it and migrates.
                let current = try await Instance.start(database: harness.databaseURL, webhook: webhook)
                var latest = ""
                try await Instance.stopping([current]) {
                    #expect(try await harness.sql.strings("SELECT version FROM schema_migrations").contains(SchemaHistory.name(SchemaHistory.latest)))

                    // The previous release, on the migrated schema: a new sign-in, reads, edits, a refresh, a logout.
                    let second = try await previous.signIn(receiver, phone: "+996555000102")
                    #expect(try await previous.request("GET", "/api/v1/profile", token: first.access).status == 200)
                    #expect(try await previous.request("PATCH", "/api/v1/profile", json: ["full_name": "Rolled"], token: first.access).status == 200)
                    let address = ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]
                    #expect(try await previous.request("POST", "/api/v1/profile/addresses", json: address, token: first.access).status == 201)
                    let refreshed = try await previous.request("POST", "/auth/refresh", json: ["refresh_token": first.refresh])
                    #expect(refreshed.status == 200)
                    #expect(try await previous.request("POST", "/auth/logout", token: second.access).status == 204)

                    // Both releases see each other's writes at once.
                    let access = try #require(refreshed.json["access_token"] as? String)
                    latest = access
                    let profile = try await current.request("GET", "/api/v1/profile", token: access)
                    #expect(profile.status == 200)
                    #expect(profile.json["full_name"] as? String == "Rolled")
                    #expect(try await current.request("GET", "/api/v1/profile", token: second.access).status == 401)
                    let third = try await current.signIn(receiver, phone: "+13125550103")
                    #expect(try await previous.request("GET", "/api/v1/profile", token: third.access).status == 200)
                    // The previous release's resend limit sees this release's send, and the other way round.
                    #expect(try await previous.request("POST", "/auth/send-code", json: ["phone": "+13125550103"]).status == 429)
                    #expect(try await current.request("POST", "/auth/send-code", json: ["phone": "+996555000104"]).status == 202)
                    #expect(try await previous.request("POST", "/auth/send-code", json: ["phone": "+996555000104"]).status == 429)
                }
                // The previous release outlives this one (a roll back), still serving.
                #expect(try await previous.request("GET", "/api/v1/profile", token: latest).status == 200)
            }
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM users WHERE is_verified") == 3)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM addresses") == 1)
    }
}
