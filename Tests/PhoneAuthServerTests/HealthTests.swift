import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthServer

@Suite struct HealthTests {
    @Test func healthyAfterADatabaseRoundTrip() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await client.request(.get, "/health")
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
        }
    }

    @Test func anUnusableDatabaseIs503() async throws {
        let harness = try TestHarness()
        let pool = try DatabasePool(path: harness.config.databasePath)
        var dependencies = harness.dependencies
        dependencies.database = try AppDatabase(pool)
        try pool.close()
        try await harness.app(dependencies).test(.router) { client in
            let response = try await client.request(.get, "/health")
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "service_unavailable")
        }
    }
}
