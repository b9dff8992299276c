import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthPostgres
@testable import PhoneAuthServer

/// Two real server processes on one PostgreSQL database, requests split between them: what is atomic on one instance
/// stays atomic across both (issue 11).
@Suite struct TwoInstanceTests {
    static let backends = Backend.all.filter { $0 == .postgres }

    /// Starts both instances at once (their migrations race for the advisory lock) and stops them afterwards.
    /// `count` requests at once, alternately through `a` and `b`: their answers, in the order they came.
    private func alternating(
        _ count: Int, _ a: Instance, _ b: Instance, _ request: @escaping @Sendable (Int, Instance) async throws -> Instance.Answer
    ) async throws -> [Instance.Answer] {
        try await withThrowingTaskGroup(of: Instance.Answer.self) { group in
            for index in 0..<count {
                group.addTask { try await request(index, index.isMultiple(of: 2) ? a : b) }
            }
            return try await group.reduce(into: [Instance.Answer]()) { $0.append($1) }
        }
    }

    private func withPair(
        _ harness: TestHarness, extra: [String] = [], _ body: @Sendable (Instance, Instance, WebhookReceiver) async throws -> Void
    ) async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            async let first = Instance.start(database: harness.databaseURL, webhook: webhook, extra: extra)
            async let second = Instance.start(database: harness.databaseURL, webhook: webhook, extra: extra)
            let (a, b) = try await (first, second)
            do {
                try await body(a, b, receiver)
            } catch {
                await a.stop()
                await b.stop()
                throw error
            }
            await a.stop()
            await b.stop()
        }
    }

    @Test(arguments: backends)
    func aLogoutThroughOneInstanceIsRefusedByTheOtherOnItsNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await withPair(harness) { a, b, receiver in
            let tokens = try await a.signIn(receiver, phone: "+13125550100")
            #expect(try await b.request("GET", "/api/v1/profile", token: tokens.access).status == 200)
            #expect(try await b.request("POST", "/auth/logout", token: tokens.access).status == 204)
            let refused = try await a.request("GET", "/api/v1/profile", token: tokens.access)
            #expect(refused.status == 401)
            #expect(try await a.request("POST", "/auth/refresh", json: ["refresh_token": tokens.refresh]).status == 401)
        }
        #expect(try await harness.sql.strings("SELECT version FROM schema_migrations").count == PostgresMigrations.migrations.count)
    }

    @Test(arguments: backends)
    func twentyConcurrentVerificationsOfOneCodeAcrossInstancesYieldExactlyOneToken(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await withPair(harness) { a, b, receiver in
            let sent = try await a.request("POST", "/auth/send-code", json: ["phone": "+996555123456"])
            let id = try #require(sent.json["verification_id"] as? String)
            let code = try #require(receiver.lastCode(to: "+996555123456"))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        try await (index.isMultiple(of: 2) ? a : b)
                            .request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": code]).status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1)
            #expect(statuses.filter { $0 == 400 }.count == 19)
        }
        #expect(try await harness.sql.sessions().count == 1)
        #expect(try await harness.sql.users().count == 1)
    }

    @Test(arguments: backends)
    func eightConcurrentRefreshesAcrossInstancesRotateOnce(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await withPair(harness) { a, b, receiver in
            let tokens = try await a.signIn(receiver, phone: "+13125550100")
            let answers = try await alternating(8, a, b) { _, instance in
                try await instance.request("POST", "/auth/refresh", json: ["refresh_token": tokens.refresh])
            }
            let granted = answers.filter { $0.status == 200 }
            #expect(!granted.isEmpty)
            // Every success is the one rotation's pair; anything else is a clean refusal.
            #expect(Set(granted.compactMap { $0.json["refresh_token"] as? String }).count == 1)
            #expect(Set(granted.compactMap { $0.json["access_token"] as? String }).count == 1)
            #expect(answers.allSatisfy { $0.status == 200 || $0.status == 401 })
            let newRefresh = try #require(granted.first?.json["refresh_token"] as? String)
            #expect(try await b.request("POST", "/auth/refresh", json: ["refresh_token": newRefresh]).status == 200)
        }
        let sessions = try await harness.sql.sessions()
        #expect(sessions.count == 1)
        #expect(sessions.first?.isActive == true)
    }

    @Test(arguments: backends)
    func sixtyConcurrentSendsInOneNumberRangeAcrossInstancesHoldTheRangeLimit(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        // The fixed range limit alone (the fraud defence, which would challenge after three, is the next test's).
        let extra = ["--max-sends-per-ip-hour", "1000", "--max-sends-per-prefix-hour", "50", "--fraud-defence", "off"]
        try await withPair(harness, extra: extra) { a, b, receiver in
            let answers = try await alternating(60, a, b) { index, instance in
                try await instance.request("POST", "/auth/send-code", json: ["phone": "+1312555\(1000 + index)"])
            }
            #expect(answers.filter { $0.status == 202 }.count == 50)
            #expect(answers.filter { $0.errorCode == "prefix_rate_limited" }.count == 10)
            #expect(receiver.messages.count == 50)
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 50)
    }

    /// Sends that share no phone, network or range take no common lock until their end, yet the fleet-wide budget
    /// is exact: sixty concurrent sends, each into its own range, half on each instance, text exactly the budget.
    @Test(arguments: backends)
    func sixtyConcurrentSendsInSixtyRangesAcrossInstancesNeverOvershootTheBudget(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let extra = ["--max-sends-per-ip-hour", "1000", "--sms-budget-hour", "25", "--fraud-defence", "off"]
        try await withPair(harness, extra: extra) { a, b, receiver in
            // Area codes 220…279: sixty ranges.
            let answers = try await alternating(60, a, b) { index, instance in
                try await instance.request("POST", "/auth/send-code", json: ["phone": "+1\(220 + index)5550100"])
            }
            #expect(answers.filter { $0.status == 202 }.count == 25)
            #expect(answers.filter { $0.errorCode == "sms_budget_exhausted" }.count == 35)
            #expect(receiver.messages.count == 25)
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 25)
        #expect(try await harness.sql.int("SELECT COUNT(DISTINCT prefix) FROM sms_sends") == 25)
    }

    /// The fraud defence decides inside the send's transaction: sixty concurrent sends into one new range, half on
    /// each instance, text exactly the range's allowance of three; every other one is challenged.
    @Test(arguments: backends)
    func sixtyConcurrentSendsInOneNewRangeAcrossInstancesTextOnlyItsAllowance(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await withPair(harness, extra: ["--max-sends-per-ip-hour", "1000", "--max-challenges-per-ip-hour", "1000"]) { a, b, receiver in
            let answers = try await alternating(60, a, b) { index, instance in
                try await instance.request("POST", "/auth/send-code", json: ["phone": "+1415555\(1000 + index)"])
            }
            #expect(answers.filter { $0.status == 202 }.count == 3)
            #expect(answers.filter { $0.errorCode == "challenge_required" }.count == 57)
            #expect(receiver.messages.count == 3)
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 3)
        #expect(try await harness.sql.int("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM challenge_counts WHERE scope LIKE 'range:%'") == 57)
    }

    @Test(arguments: backends)
    func twentyFiveConcurrentAddressCreationsAcrossInstancesLeaveExactlyTwenty(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await withPair(harness) { a, b, receiver in
            let tokens = try await a.signIn(receiver, phone: "+996555123456")
            let answers = try await alternating(25, a, b) { index, instance in
                try await instance.request(
                    "POST", "/api/v1/profile/addresses", json: ["line1": "Chui Ave \(index)", "city": "Bishkek"], token: tokens.access)
            }
            #expect(answers.filter { $0.status == 201 }.count == 20)
            #expect(answers.filter { $0.errorCode == "address_limit_reached" }.count == 5)
        }
        #expect(try await harness.sql.addresses().count == 20)
    }

    /// Sends and codes touch nothing a caller's state is read from: they empty no instance's auth-state cache (a fleet
    /// under a wave of sign-ins keeps serving reads from memory), while a profile edit still empties every one.
    /// NOTIFYs arrive in commit order, so once the edit's has, any the sends made would have arrived before it.
    @Test(arguments: backends)
    func sendsAndCodesLeaveTheOtherInstancesCacheAloneAndAnEditEmptiesIt(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await withPair(harness, extra: ["--metrics-on-main-port", "--fraud-defence", "off"]) { a, b, receiver in
            let tokens = try await a.signIn(receiver, phone: "+13125550150")
            func invalidations() async throws -> Double {
                let scraped = try await CurlClient.isolated().perform(CurlRequest(url: "http://127.0.0.1:\(b.port)/metrics", method: "GET"))
                return PrometheusText(String(decoding: scraped.body, as: UTF8.self)).value("phoneauth_auth_cache_invalidations_total") ?? -1
            }
            #expect(try await b.request("GET", "/api/v1/profile", token: tokens.access).status == 200)
            try await Task.sleep(for: .milliseconds(300))
            let before = try await invalidations()
            for index in 0..<5 {
                #expect(try await a.request("POST", "/auth/send-code", json: ["phone": "+1312555016\(index)"]).status == 202)
            }
            #expect(try await a.request("PATCH", "/api/v1/profile", json: ["full_name": "Edited"], token: tokens.access).status == 200)
            var after = before
            for _ in 0..<100 where after == before {
                try await Task.sleep(for: .milliseconds(50))
                after = try await invalidations()
            }
            #expect(after == before + 1, "5 sends and one edit emptied the other instance's cache \(after - before) times")
            let profile = try await b.request("GET", "/api/v1/profile", token: tokens.access)
            #expect(profile.json["full_name"] as? String == "Edited")
        }
    }

    /// A sign-in, a refresh or an edit changes one user's state: every instance forgets that user's entries and keeps
    /// everybody else's, so a fleet under a wave of sign-ins answers its other users' reads from memory; and a logout
    /// through one instance is still refused by the other on the user's next request.
    @Test(arguments: backends)
    func aSignInOrAnEditForgetsOnlyItsOwnUserInEveryInstance(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await withPair(harness, extra: ["--metrics-on-main-port", "--fraud-defence", "off"]) { a, b, receiver in
            let reader = try await a.signIn(receiver, phone: "+13125550170")
            let other = try await a.signIn(receiver, phone: "+13125550171")
            func counter(_ name: String) async throws -> Double {
                let scraped = try await CurlClient.isolated().perform(CurlRequest(url: "http://127.0.0.1:\(b.port)/metrics", method: "GET"))
                return PrometheusText(String(decoding: scraped.body, as: UTF8.self)).value(name) ?? -1
            }
            /// Waits until `b` has heard at least `count` more invalidations than `before` (one a change).
            func heard(_ count: Double, after before: Double) async throws {
                var now = before
                for _ in 0..<100 where now < before + count {
                    try await Task.sleep(for: .milliseconds(50))
                    now = try await counter("phoneauth_auth_cache_invalidations_total")
                }
                #expect(now >= before + count)
            }
            #expect(try await b.request("GET", "/api/v1/profile", token: reader.access).status == 200)
            #expect(try await b.request("GET", "/api/v1/profile", token: other.access).status == 200)
            try await Task.sleep(for: .milliseconds(300))

            // Five sign-ins of others and a refresh and an edit of `other`: `reader` stays cached on b.
            var before = try await counter("phoneauth_auth_cache_invalidations_total")
            for index in 0..<5 { _ = try await a.signIn(receiver, phone: "+1312555018\(index)") }
            let refreshed = try await a.request("POST", "/auth/refresh", json: ["refresh_token": other.refresh])
            let otherAccess = try #require(refreshed.json["access_token"] as? String)
            #expect(try await a.request("PATCH", "/api/v1/profile", json: ["full_name": "Other"], token: otherAccess).status == 200)
            try await heard(7, after: before)
            let misses = try await counter("phoneauth_auth_cache_misses_total")
            #expect(try await b.request("GET", "/api/v1/profile", token: reader.access).status == 200)
            #expect(try await counter("phoneauth_auth_cache_misses_total") == misses, "reader's state was forgotten")
            let edited = try await b.request("GET", "/api/v1/profile", token: otherAccess)
            #expect(edited.json["full_name"] as? String == "Other")
            #expect(try await counter("phoneauth_auth_cache_misses_total") > misses, "other's state was served from memory")

            // A logout through a is refused by b on the next request.
            before = try await counter("phoneauth_auth_cache_invalidations_total")
            #expect(try await a.request("POST", "/auth/logout", token: otherAccess).status == 204)
            try await heard(1, after: before)
            #expect(try await b.request("GET", "/api/v1/profile", token: otherAccess).status == 401)
            #expect(try await b.request("GET", "/api/v1/profile", token: reader.access).status == 200)
        }
    }
}
