import Foundation
import Logging
import PostgresNIO
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthPostgres
@testable import PhoneAuthServer

/// On PostgreSQL a send locks only its phone, network and range (and the fleet's lock for the few statements that
/// re-read the budgets before its writes): a send held in one range does not hold up the fleet's other sends.
/// (`TwoInstanceTests` shows the limits still hold exactly across instances.)
@Suite struct SendLockTests {
    static let rules = SendLimits().sendRules

    /// A transaction of another client, on its own connection, holding one advisory lock until `release`.
    final class HeldLock: Sendable {
        let connection: PostgresConnection
        let logger = TestPostgres.logger

        init(_ setting: PostgresSetting, name: String) async throws {
            connection = try await PostgresConnection.connect(
                configuration: .init(
                    host: setting.host, port: setting.port, username: setting.username, password: setting.password,
                    database: setting.database, tls: .disable),
                id: 7, logger: logger)
            _ = try await connection.query("BEGIN", logger: logger)
            _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(name), 0))", logger: logger)
        }

        func release() async throws {
            _ = try await connection.query("COMMIT", logger: logger)
            try await connection.close()
        }
    }

    private func admit(_ storage: Storage, _ phone: String, ip: String, at now: Date) async throws -> SendAdmission {
        let prefix = String(phone.prefix(5))
        return try await storage.signIn.admit(SendAttempt(phone: phone, ip: ip, prefix: prefix), rules: Self.rules, screening: nil, now: now)
    }

    /// `body` racing a deadline: nil when the deadline came first (the send is still waiting).
    private func within(_ limit: Duration, _ body: @escaping @Sendable () async throws -> SendAdmission) async throws -> SendAdmission? {
        try await withThrowingTaskGroup(of: SendAdmission?.self) { group in
            group.addTask { try await body() }
            group.addTask { try await Task.sleep(for: limit); return nil }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func aSendIntoAnotherRangeDoesNotWaitForAHeldRange(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let setting) = harness.config.database else { Issue.record("PostgreSQL only"); return }
        let now = harness.clock.wallClock()
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
            // A first send opens the pool's connections, so the timing below is the send's own.
            #expect(try await admit(storage, "+16465550100", ip: "192.0.2.1", at: now) == .admitted(knownGood: false))

            let held = try await HeldLock(setting, name: "send-range:+1312")
            let clock = ContinuousClock()
            let start = clock.now
            let other = try await within(.seconds(5)) { try await admit(storage, "+14155550100", ip: "198.51.100.7", at: now) }
            let elapsed = clock.now - start
            #expect(other == .admitted(knownGood: false), "a send into +1415 waited for the lock of +1312")
            #expect(elapsed < .milliseconds(100), "took \(elapsed)")

            // Into the held range it does wait, and goes through once the lock is let go: the lock is real.
            let waiting = Task { try await admit(storage, "+13125550100", ip: "198.51.100.8", at: now) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE prefix = '+1312'") == 0)
            try await held.release()
            #expect(try await waiting.value == .admitted(knownGood: false))
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 3)
        }
    }

    /// The budgets are re-read under the fleet's lock: while another transaction holds it, a budgeted send waits;
    /// with the lock let go it is admitted, counted once.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func aBudgetedSendWaitsForTheFleetsLockOnlyAtItsEnd(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let setting) = harness.config.database else { Issue.record("PostgreSQL only"); return }
        let now = harness.clock.wallClock()
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
            let held = try await HeldLock(setting, name: "sms-sends")
            let waiting = Task { try await admit(storage, "+13125550100", ip: "198.51.100.8", at: now) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 0)
            try await held.release()
            #expect(try await waiting.value == .admitted(knownGood: false))
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 1)
        }
    }

    /// Ten sends into ten ranges all read the budget as empty before any of them writes (the fleet's lock is held
    /// elsewhere meanwhile): each decides again under the lock, so a budget of three texts exactly three.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func sendsThatAllSawAnEmptyBudgetTextOnlyTheBudget(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let setting) = harness.config.database else { Issue.record("PostgreSQL only"); return }
        let now = harness.clock.wallClock()
        let rules = SendLimits(globalPerHour: 3).sendRules
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
            let held = try await HeldLock(setting, name: "sms-sends")
            let sends = (0..<10).map { index in
                Task {
                    try await storage.signIn.admit(
                        SendAttempt(phone: "+1\(220 + index)5550100", ip: "198.51.100.\(index)", prefix: "+1\(220 + index)"),
                        rules: rules, screening: nil, now: now)
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            try await held.release()
            var admitted = 0
            for send in sends where try await send.value == .admitted(knownGood: false) { admitted += 1 }
            #expect(admitted == 3)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 3)
        }
    }
}
