import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer
@testable import PhoneAuthSQLite

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

    /// Another process holds the SQLite file's write lock (a stuck script, a long manual transaction): health answers
    /// 503 within about a second, writes fail cleanly with nothing half-written, and service resumes when it lets go.
    @Test func aLockedSQLiteDatabaseIs503AndServiceResumesWhenItIsReleased() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            #expect(try await client.request(.get, "/health").status == .ok)
            let other = try DatabaseQueue(path: harness.databasePath)
            let (locked, release) = (DispatchSemaphore(value: 0), DispatchSemaphore(value: 0))
            let holder = Task {
                try await other.writeWithoutTransaction { db in
                    try db.inTransaction(.immediate) {
                        locked.signal()
                        release.wait()
                        return .rollback
                    }
                }
            }
            locked.wait()
            let started = ContinuousClock.now
            let lost = try await client.request(.get, "/health")
            #expect(lost.status == .serviceUnavailable)
            #expect(lost.errorCode == "service_unavailable")
            #expect(ContinuousClock.now - started < .seconds(4))
            // A write waits out the busy timeout, then fails the same clear way.
            let send = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            #expect(send.status == .serviceUnavailable)
            #expect(send.errorCode == "storage_unavailable")
            release.signal()
            try await holder.value
            #expect(try await harness.sql.verifications().isEmpty)
            #expect(try await harness.sql.int("SELECT count(*) FROM sms_sends") == 0)
            #expect(harness.sms.sent.isEmpty)
            #expect(try await client.request(.get, "/health").status == .ok)
            let retried = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            #expect(retried.status == .accepted)
            #expect(try await harness.sql.verifications().count == 1)
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
