import Foundation
import Logging
import Synchronization
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Housekeeping keeps the database from growing without bound, and removes only what no request can use any more.
@Suite struct HousekeepingTests {
    private static let home = ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]

    private func pass(_ harness: TestHarness, metrics: ServerMetrics = ServerMetrics(backend: "test")) async throws -> PurgeCounts? {
        try await Storage.with(harness.config.database, logger: Logger(label: "test")) { storage in
            await Housekeeper(
                repository: storage.housekeeping, interval: .seconds(600), endedSessions: 30 * 86_400, markets: harness.config.markets,
                metrics: metrics, now: harness.clock.wallClock, logger: Logger(label: "test")
            ).pass()
        }
    }

    @Test(arguments: Backend.all)
    func expiredAndAgedRowsGoAndEverythingLiveStays(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let first = try await harness.signInGrant(client)
            let second = try await harness.signInGrant(client)
            #expect(try await client.request(.post, "/auth/logout?scope=local", token: first.access).status == .noContent)
            let created = try await client.request(
                .post, "/api/v1/profile/addresses", json: Self.home, token: second.access, headers: [.idempotencyKey: "k-1"])
            #expect(created.status == .created)
            // A stranger's unfinished sign-in: a live code, a send and a wrong guess.
            let sent = try await harness.sendCode(client, phone: "+13125550177")
            let wrong = sent.code == "000000" ? "111111" : "000000"
            _ = try await client.request(.post, "/auth/verify-code", json: ["verification_id": sent.id, "verification_code": wrong])
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM verify_failures") >= 1)
            // The account's creation, two sign-ins and the logout.
            #expect(
                try await harness.sql.strings("SELECT type FROM auth_events ORDER BY id") == [
                    "user.created", "user.signed_in", "user.signed_in", "session.ended",
                ])

            // Nothing is due yet.
            #expect(try await pass(harness)?.total == 0)

            harness.clock.advance(by: 3 * 86_400)
            let metrics = ServerMetrics(backend: "test")
            let aged = try #require(try await pass(harness, metrics: metrics))
            #expect(aged.verifications == 1)
            #expect(aged.expiredCodePhones == ["+13125550177"])
            // The code that expired unused is counted by its market.
            let text = PrometheusText(String(decoding: metrics.exposition(cache: nil), as: UTF8.self))
            #expect(text.value("phoneauth_codes_expired_total", ["market": "us"]) == 1)
            #expect(aged.sendLog >= 3)
            #expect(aged.verifyFailures >= 1)
            #expect(aged.idempotencyKeys == 1)
            #expect(aged.sessions == 0)  // the ended one is kept 30 days, for the session list
            #expect(aged.events == 4)  // past the event log's day
            for table in ["verifications", "sms_sends", "verify_failures", "idempotency_keys", "auth_events"] {
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM \(table)") == 0, "\(table)")
            }
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM user_sessions") == 2)

            harness.clock.advance(by: 28 * 86_400)
            let later = try #require(try await pass(harness))
            #expect(later.sessions == 1)
            let sessions = try await harness.sql.sessions()
            #expect(sessions.count == 1)
            #expect(sessions.first?.revokedAt == nil)  // the live session stays
            #expect(try await harness.sql.users().count == 1)
            #expect(try await harness.sql.addresses().count == 1)
        }
    }

    /// The service runs a pass every interval until the server stops.
    @Test func theServiceRunsOnItsIntervalAndStopsWhenCancelled() async throws {
        final class Counting: HousekeepingRepository {
            let passes = Atomic(0)
            func purge(now: Date, endedSessions: TimeInterval) async throws -> PurgeCounts {
                passes.add(1, ordering: .relaxed)
                return PurgeCounts()
            }
        }
        let repository = Counting()
        let service = Housekeeper(
            repository: repository, interval: .milliseconds(20), endedSessions: 86_400, markets: AppConfig.testing.markets,
            metrics: ServerMetrics(backend: "test"), now: { Date() }, logger: Logger(label: "test"))
        let running = Task { try await service.run() }
        for _ in 0..<250 where repository.passes.load(ordering: .relaxed) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(repository.passes.load(ordering: .relaxed) >= 3)
        running.cancel()
        try await running.value
    }
}
