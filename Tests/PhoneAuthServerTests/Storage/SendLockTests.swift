import Foundation
import Logging
import PostgresNIO
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthPostgres
@testable import PhoneAuthServer

/// On PostgreSQL a send locks only its phone, network and range, and claims its pool's budgets with one conditional
/// write at its end (`BudgetRing`): a send held in one range does not hold up the fleet's other sends, and no send
/// takes a lock of the whole fleet. (`TwoInstanceTests` shows the limits still hold exactly across instances.)
@Suite struct SendLockTests {
    static let rules = SendLimits().sendRules

    /// A transaction of another client, on its own connection, holding one advisory lock (or the rows `lockingRows`
    /// selects) until `release`.
    final class HeldLock: Sendable {
        let connection: PostgresConnection
        let logger = TestPostgres.logger

        init(_ setting: PostgresSetting, name: String = "", lockingRows: PostgresQuery? = nil) async throws {
            connection = try await PostgresConnection.connect(
                configuration: .init(
                    host: setting.host, port: setting.port, username: setting.username, password: setting.password,
                    database: setting.database, tls: .disable),
                id: 7, logger: logger)
            _ = try await connection.query("BEGIN", logger: logger)
            if let lockingRows {
                _ = try await connection.query(lockingRows, logger: logger)
            } else {
                _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\(name), 0))", logger: logger)
            }
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

    /// The lock every earlier release took for the whole fleet is gone: held by another transaction, it holds up no
    /// send. A claim in progress in the pool of numbers that signed in before holds up no send to a new number.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func noSendWaitsForALockOfTheWholeFleetNorForTheOtherPool(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let setting) = harness.config.database else { Issue.record("PostgreSQL only"); return }
        let now = harness.clock.wallClock()
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
            #expect(try await admit(storage, "+16465550100", ip: "192.0.2.1", at: now) == .admitted(knownGood: false))
            let fleet = try await HeldLock(setting, name: "sms-sends")
            let knownGoodPool = try await HeldLock(setting, lockingRows: "SELECT * FROM send_budgets WHERE pool FOR UPDATE")
            let clock = ContinuousClock()
            let start = clock.now
            let other = try await within(.seconds(5)) { try await admit(storage, "+14155550100", ip: "198.51.100.7", at: now) }
            let elapsed = clock.now - start
            #expect(other == .admitted(knownGood: false))
            #expect(elapsed < .milliseconds(100), "took \(elapsed)")
            try await fleet.release()
            try await knownGoodPool.release()
        }
    }

    /// A claim waits for the claim in progress in its pool, and is checked again on the row that claim commits.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func aBudgetedSendWaitsOnlyForTheClaimInProgressInItsPool(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let setting) = harness.config.database else { Issue.record("PostgreSQL only"); return }
        let now = harness.clock.wallClock()
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
            let held = try await HeldLock(setting, lockingRows: "SELECT * FROM send_budgets WHERE NOT pool FOR UPDATE")
            let waiting = Task { try await admit(storage, "+13125550100", ip: "198.51.100.8", at: now) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 0)
            try await held.release()
            #expect(try await waiting.value == .admitted(knownGood: false))
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 1)
            // Counted once in the hour's ring and the day's.
            #expect(try await harness.sql.int("SELECT SUM(n)::bigint FROM send_budgets, unnest(counts) AS n WHERE NOT pool AND window_seconds = 3600") == 1)
            #expect(try await harness.sql.int("SELECT SUM(n)::bigint FROM send_budgets, unnest(counts) AS n WHERE NOT pool AND window_seconds = 86400") == 1)
        }
    }

    /// Ten sends into ten ranges all read the budget as empty before any of them claims it (a claim is in progress
    /// meanwhile): each claim is checked again on the row the one before it committed, so a budget of three texts
    /// exactly three, and the refused ones leave the ring as it was.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func sendsThatAllSawAnEmptyBudgetTextOnlyTheBudget(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let setting) = harness.config.database else { Issue.record("PostgreSQL only"); return }
        let now = harness.clock.wallClock()
        let rules = SendLimits(globalPerHour: 3).sendRules
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
            let held = try await HeldLock(setting, lockingRows: "SELECT * FROM send_budgets WHERE NOT pool FOR UPDATE")
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
            var refusals: [SendAdmission] = []
            for send in sends {
                let admission = try await send.value
                if admission == .admitted(knownGood: false) { admitted += 1 } else { refusals.append(admission) }
            }
            #expect(admitted == 3)
            #expect(refusals.allSatisfy { if case .refused(let refusal) = $0 { refusal.rule.refusal == .smsBudgetExhausted } else { false } })
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 3)
            #expect(try await harness.sql.int("SELECT SUM(n)::bigint FROM send_budgets, unnest(counts) AS n WHERE NOT pool AND window_seconds = 3600") == 3)
            #expect(try await harness.sql.int("SELECT SUM(n)::bigint FROM send_budgets, unnest(counts) AS n WHERE NOT pool AND window_seconds = 86400") == 3)
        }
    }
}
