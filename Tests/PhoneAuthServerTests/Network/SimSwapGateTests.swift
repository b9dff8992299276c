import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The operator network before a code is trusted: a sign-in by code to an account whose SIM changed within the
/// window is held (refused, its sessions kept; or let through with a text), a device already signed in is not
/// asked about, an operator with no answer fails open or closed as configured, and Number Recycling decides whether
/// a number has a new owner instead of the account's age. Against the loopback operator, on both backends.
@Suite struct SimSwapGateTests {
    static let phone = "+996555100011"

    /// A harness whose `kg` market asks `fake` at `base` (JWT-bearer tokens, the quickest two-legged flow).
    static func harness(
        _ backend: Backend, _ fake: FakeOperator, _ base: String, configure: @escaping (inout AppConfig) -> Void = { _ in }
    ) async throws -> TestHarness {
        let settings = try fake.settings(base, checks: [.simSwap, .numberRecycling])
        return try await TestHarness.make(backend) { config in
            config.network.operators = [settings]
            configure(&config)
        }
    }

    static func verify(
        _ harness: TestHarness, _ client: some TestClientProtocol, phone: String = phone, token: String? = nil
    ) async throws
        -> TestResponse
    {
        harness.clock.advance(by: 61)  // past the resend cooldown
        let sent = try await client.request(.post, "/auth/send-code", json: ["phone": phone], token: token)
        #expect(sent.status == .accepted)
        let id = try #require(sent.json["verification_id"] as? String)
        let code = try #require(harness.sms.lastCode(to: phone))
        return try await client.request(.post, "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
    }

    @Test(arguments: Backend.all)
    func aSignInByCodeToAnAccountWhoseSIMChangedIsRefusedAndItsSessionsStay(backend: Backend) async throws {
        let fake = try await FakeOperator()
        try await fake.run { base in
            let harness = try await Self.harness(backend, fake, base)
            try await harness.test { client in
                let first = try await Self.verify(harness, client)
                #expect(first.status == .ok)
                let access = try #require(first.json["access_token"] as? String)

                fake.fixtures.withLock { $0.simChanges[Self.phone] = Date().addingTimeInterval(-5 * 3_600) }
                let held = try await Self.verify(harness, client)
                #expect(held.status == .forbidden)
                #expect(held.errorCode == "sim_swap_detected")
                // The account's own sessions go on; the code was spent.
                #expect(try await client.request(.get, "/api/v1/profile", token: access).status == .ok)
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM verifications") == 0)
                // The device already signed in to the account may ask for a code (a step-up): not held.
                #expect(try await Self.verify(harness, client, token: access).status == .ok)
                // A number with no account has nothing to take over: a new SIM is how many people arrive.
                fake.fixtures.withLock { $0.simChanges["+996555100012"] = Date().addingTimeInterval(-3_600) }
                #expect(try await Self.verify(harness, client, phone: "+996555100012").status == .ok)
                // A change older than the window (72 hours) holds nothing.
                fake.fixtures.withLock { $0.simChanges[Self.phone] = Date().addingTimeInterval(-100 * 3_600) }
                #expect(try await Self.verify(harness, client).status == .ok)

                let metrics = PrometheusText(try await client.request(.get, "/metrics").text)
                #expect(metrics.value("phoneauth_network_checks_total", ["market": "kg", "check": "sim-swap", "outcome": "swapped"]) == 2)
                #expect(metrics.value("phoneauth_network_checks_total", ["market": "kg", "check": "sim-swap", "outcome": "not_swapped"]) == 2)
            }
        }
        // Every send of the market was checked but the signed-in device's, account or not: the time the send takes
        // says nothing about whether the number has an account.
        #expect(fake.requests.filter { $0 == "/sim-swap/v2/check" }.count == 4)
    }

    @Test func notifyLetsTheSignInThroughAndTextsTheNumber() async throws {
        let fake = try await FakeOperator()
        try await fake.run { base in
            let harness = try await Self.harness(.sqlite, fake, base) { $0.network.simSwap.action = .notify }
            try await harness.test { client in
                let first = try await Self.verify(harness, client)
                #expect(first.status == .ok)
                fake.fixtures.withLock { $0.simChanges[Self.phone] = Date().addingTimeInterval(-3_600) }
                #expect(try await Self.verify(harness, client).status == .ok)
                let notices = harness.sms.sent.filter { $0.to.e164 == Self.phone && $0.code.isEmpty }
                #expect(notices.count == 1)
                #expect(notices.first?.body.contains("SIM") == true)
            }
        }
    }

    @Test func anOperatorWithNoAnswerFailsOpenByDefaultAndClosedWhenAsked() async throws {
        let fake = try await FakeOperator()
        try await fake.run { base in
            let open = try await Self.harness(.sqlite, fake, base)
            try await open.test { client in
                let first = try await Self.verify(open, client)
                #expect(first.status == .ok)
                fake.fixtures.withLock { $0.outage = true }
                #expect(try await Self.verify(open, client).status == .ok)
                let metrics = PrometheusText(try await client.request(.get, "/metrics").text)
                #expect(metrics.value("phoneauth_network_checks_total", ["market": "kg", "check": "sim-swap", "outcome": "unavailable"]) == 1)
            }
            fake.fixtures.withLock { $0.outage = false }
            let closed = try await Self.harness(.sqlite, fake, base) { $0.network.simSwap.onFailure = .closed }
            try await closed.test { client in
                #expect(try await Self.verify(closed, client).status == .ok)
                fake.fixtures.withLock { $0.outage = true }
                let refused = try await Self.verify(closed, client)
                #expect(refused.status == .serviceUnavailable)
                #expect(refused.errorCode == "network_check_unavailable")
                #expect(refused.headers[.retryAfter] == "60")
                // A new number is never held: there is no account to protect.
                #expect(try await Self.verify(closed, client, phone: "+996555100013").status == .ok)
            }
        }
    }

    /// The operator's Number Recycling answer replaces the guess by age: an account unused for 200 days whose number
    /// kept its subscriber opens as before; one whose number has a new subscriber since its last sign-in is detached,
    /// however recent.
    @Test(arguments: Backend.all)
    func numberRecyclingDecidesWhoseNumberItIsInsteadOfAge(backend: Backend) async throws {
        let fake = try await FakeOperator()
        try await fake.run { base in
            let harness = try await Self.harness(backend, fake, base)
            try await harness.test { client in
                let first = try await Self.verify(harness, client)
                let id = try #require((first.json["user"] as? [String: Any])?["id"] as? Int)
                harness.clock.advance(by: 200 * 86_400)
                let same = try await Self.verify(harness, client)
                #expect(same.json["previous_account"] == nil)
                #expect((same.json["user"] as? [String: Any])?["id"] as? Int == id)

                // The account signed in just now (by this test's clock); the carrier gave the number away since.
                fake.fixtures.withLock { $0.newSubscribers[Self.phone] = harness.clock.now.addingTimeInterval(2 * 86_400) }
                harness.clock.advance(by: 10 * 86_400)
                let fresh = try await Self.verify(harness, client)
                #expect(fresh.status == .ok)
                #expect(fresh.json["previous_account"] as? String == "detached")
                #expect((fresh.json["user"] as? [String: Any])?["id"] as? Int != id)
            }
        }
        #expect(fake.requests.filter { $0 == "/number-recycling/v0.2/check" }.count == 2)
    }

    /// Whoever took over the account's SIM would move the account to a number of theirs: a number change from an
    /// account whose SIM changed within the window is refused before any code goes out.
    @Test func aNumberChangeIsRefusedWhileTheAccountsSIMChangedRecently() async throws {
        let fake = try await FakeOperator()
        try await fake.run { base in
            let harness = try await Self.harness(.sqlite, fake, base)
            try await harness.test { client in
                let first = try await Self.verify(harness, client)
                let access = try #require(first.json["access_token"] as? String)
                fake.fixtures.withLock { $0.simChanges[Self.phone] = Date().addingTimeInterval(-3_600) }
                let refused = try await client.request(.post, "/api/v1/account/phone", json: ["phone": "+996555100014"], token: access)
                #expect(refused.status == .forbidden)
                #expect(refused.errorCode == "sim_swap_detected")
                #expect(harness.sms.lastCode(to: "+996555100014") == nil)
                fake.fixtures.withLock { $0.simChanges = [:] }
                let started = try await client.request(.post, "/api/v1/account/phone", json: ["phone": "+996555100014"], token: access)
                #expect(started.status == .accepted)
            }
        }
    }
}
