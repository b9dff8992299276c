import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthServer

@Suite struct HealthTests {
    @Test(arguments: Backend.all) func healthyAfterADatabaseRoundTrip(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let response = try await client.request(.get, "/health")
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "ok")
        }
    }

    @Test func aClosedSQLiteDatabaseIs503() async throws {
        let harness = try TestHarness()
        let pool = try DatabasePool(path: harness.databasePath)
        var dependencies = harness.dependencies
        dependencies.storage = try .sqlite(try SQLiteDatabase(pool))
        try pool.close()
        try await harness.app(dependencies).test(.router) { client in
            let response = try await client.request(.get, "/health")
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "service_unavailable")
        }
    }

    /// The database refuses every connection for a while (as during a failover), then comes back: PhoneAuth answers
    /// 503 meanwhile and recovers without a restart.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func aLostPostgreSQLDatabaseIs503AndServiceResumesWhenItReturns(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { config in
            if case .postgres(var setting) = config.database {
                setting.connectTimeout = .seconds(1)
                config.database = .postgres(setting)
            }
        }
        guard case .postgres(let setting) = harness.config.database, let server = TestPostgres.server else { return }
        try await harness.test { client in
            #expect(try await client.request(.get, "/health").status == .ok)
            try await TestPostgres.run(on: server, "ALTER DATABASE \(setting.database) ALLOW_CONNECTIONS false")
            try await TestPostgres.run(
                on: server, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(setting.database)'")
            let lost = try await client.request(.get, "/health")
            #expect(lost.status == .serviceUnavailable)
            #expect(lost.errorCode == "service_unavailable")
            // Any other request fails the same clear way, within the connect timeout.
            let profile = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            #expect(profile.status == .serviceUnavailable)
            #expect(profile.errorCode == "storage_unavailable")
            try await TestPostgres.run(on: server, "ALTER DATABASE \(setting.database) ALLOW_CONNECTIONS true")
            var recovered = false
            // The pool retries with a growing backoff; a short outage is over within seconds.
            for _ in 0..<300 where !recovered {
                recovered = try await client.request(.get, "/health").status == .ok
                if !recovered { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(recovered)
        }
    }
}
