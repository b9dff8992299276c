import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// Signing in without a text: the device follows the operator's authorize address over mobile data, the operator
/// sends it back with a code, and the network's word that the device uses the number signs it in as a right code
/// would. Every other outcome tells the client to send a code instead.
@Suite struct SilentSignInTests {
    static let phone = "+996555100021"
    static let verifier = "a-client-verifier-kept-on-the-device-0123456789abcdef"

    static func harness(_ backend: Backend, _ fake: FakeOperator, _ base: String) async throws -> TestHarness {
        let settings = try fake.settings(base)
        return try await TestHarness.make(backend) { $0.network.operators = [settings] }
    }

    static func start(_ client: some TestClientProtocol, phone: String = phone, verifier: String = verifier) async throws -> TestResponse {
        try await client.request(
            .post, "/auth/network/start", json: ["phone": phone, "code_challenge": SilentSignIn.challenge(of: verifier)])
    }

    /// What the device does over mobile data: open the authorize address, stop at the redirect to the callback.
    static func follow(_ started: TestResponse) async throws -> [String: String] {
        let url = try #require(started.json["authorize_url"] as? String)
        let answer = try await CurlClient.isolated().perform(CurlRequest(url: url, method: "GET"))
        #expect(answer.status == 302)
        let location = try #require(answer.header("location").flatMap { URLComponents(string: $0) })
        #expect(location.path == "/auth/network/callback")
        return Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
    }

    static func finish(
        _ client: some TestClientProtocol, _ started: TestResponse, _ redirect: [String: String], verifier: String = verifier
    ) async throws -> TestResponse {
        try await client.request(
            .post, "/auth/network/verify",
            json: [
                "flow_id": started.json["flow_id"] as? String ?? "", "code": redirect["code"] ?? "", "state": redirect["state"] ?? "",
                "code_verifier": verifier,
            ])
    }

    @Test(arguments: Backend.all)
    func theNetworkConfirmsTheNumberAndTheUserIsSignedInWithoutAText(backend: Backend) async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = Self.phone }
        try await fake.run { base in
            let harness = try await Self.harness(backend, fake, base)
            try await harness.test { client in
                let started = try await Self.start(client)
                #expect(started.status == .ok)
                #expect(started.json["method"] as? String == "network")
                #expect(started.json["callback_url"] as? String == fake.redirectURI)
                #expect(started.json["expires_in"] as? Int == 300)
                let redirect = try await Self.follow(started)
                let signedIn = try await Self.finish(client, started, redirect)
                #expect(signedIn.status == .ok)
                let access = try #require(signedIn.json["access_token"] as? String)
                #expect(try await client.request(.get, "/api/v1/profile", token: access).status == .ok)
                #expect((signedIn.json["user"] as? [String: Any])?["phone_number"] as? String == Self.phone)
                // No text went out; the flow was used.
                #expect(harness.sms.sent.isEmpty)
                let again = try await Self.finish(client, started, redirect)
                #expect(again.status == .forbidden)
                #expect(again.errorCode == "network_verification_failed")
                let metrics = PrometheusText(try await client.request(.get, "/metrics").text)
                #expect(
                    metrics.value("phoneauth_network_checks_total", ["market": "kg", "check": "number-verification", "outcome": "verified"]) == 1)
            }
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM user_sessions") == 1)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM network_flows") == 0)
        }
    }

    @Test func anotherDevicesNumberAWrongVerifierOrStateAndNoOperatorAllFallBackToAText() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = "+996555100029" }
        try await fake.run { base in
            let harness = try await Self.harness(.sqlite, fake, base)
            try await harness.test { client in
                // The device on the network has another number: the operator says no.
                let started = try await Self.start(client)
                let mismatch = try await Self.finish(client, started, try await Self.follow(started))
                #expect(mismatch.status == .forbidden)
                #expect(mismatch.errorCode == "network_verification_failed")
                // Someone who saw the link but holds no verifier (or changed the state) gets nowhere.
                fake.fixtures.withLock { $0.deviceNumber = Self.phone }
                let second = try await Self.start(client)
                let redirect = try await Self.follow(second)
                #expect(try await Self.finish(client, second, redirect, verifier: Self.verifier + "x").errorCode == "network_verification_failed")
                let third = try await Self.start(client)
                var forged = try await Self.follow(third)
                forged["state"] = "forged"
                #expect(try await Self.finish(client, third, forged).errorCode == "network_verification_failed")
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM user_sessions") == 0)
                // A market with no operator: send a code.
                let us = try await Self.start(client, phone: "+13125550121")
                #expect(us.status == .ok)
                #expect(us.json["method"] as? String == "sms")
                #expect(us.json["reason"] as? String == "no_operator")
                // A malformed challenge is the client's mistake.
                let bad = try await client.request(.post, "/auth/network/start", json: ["phone": Self.phone, "code_challenge": "short"])
                #expect(bad.status == .badRequest)
                #expect(bad.errorCode == "invalid_request")
                // A browser that lands on the callback is sent back to the app.
                #expect(try await client.request(.get, "/auth/network/callback?code=x&state=y").status == .badRequest)
                // The text still works.
                #expect(try await harness.signIn(client, phone: Self.phone).isEmpty == false)
            }
        }
    }

    @Test func anOperatorDownFallsBackToAText() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { ($0.deviceNumber, $0.outage) = (Self.phone, true) }
        try await fake.run { base in
            let harness = try await Self.harness(.sqlite, fake, base)
            try await harness.test { client in
                let started = try await Self.start(client)
                #expect(started.json["method"] as? String == "sms")
                #expect(started.json["reason"] as? String == "operator_unavailable")
                fake.fixtures.withLock { $0.outage = false }
                let flow = try await Self.start(client)
                let redirect = try await Self.follow(flow)
                fake.fixtures.withLock { $0.outage = true }
                let down = try await Self.finish(client, flow, redirect)
                #expect(down.status == .serviceUnavailable)
                #expect(down.errorCode == "network_check_unavailable")
            }
        }
    }

    /// An operator slower than the check's budget is an operator down: the client sends a code. A number has at most
    /// three flows under way; a stranger who starts them for someone else's number only sends its owner to a code.
    @Test func aSlowOperatorFallsBackAndANumberHasAtMostThreeFlowsUnderWay() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = Self.phone }
        try await fake.run { base in
            var settings = try fake.settings(base)
            settings.timeoutSeconds = 0.5
            let harness = try await TestHarness.make(.sqlite) { [settings] in $0.network.operators = [settings] }
            try await harness.test { client in
                let flow = try await Self.start(client)
                let redirect = try await Self.follow(flow)
                fake.fixtures.withLock { $0.delay = .seconds(2) }
                let slow = try await Self.finish(client, flow, redirect)
                #expect(slow.status == .serviceUnavailable)
                #expect(slow.errorCode == "network_check_unavailable")
                fake.fixtures.withLock { $0.delay = .zero }
                for _ in 0..<3 { #expect(try await Self.start(client, phone: "+996555100022").json["method"] as? String == "network") }
                let fourth = try await Self.start(client, phone: "+996555100022")
                #expect(fourth.status == .ok)
                #expect(fourth.json["method"] as? String == "sms")
                #expect(fourth.json["reason"] as? String == "too_many_flows")
                // Another number is not held by them.
                #expect(try await Self.start(client, phone: "+996555100023").status == .ok)
            }
        }
    }

    /// Starting a flow costs the operator nothing; finishing one is where a bot could run up the bill, so failed
    /// finishes count against the network as wrong codes do (30 an hour), and against no number.
    @Test func failedFinishesCountAgainstTheNetworkAndCostNoOperatorCallsBeyondTheLimit() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = "+996555100029" }
        try await fake.run { base in
            let settings = try fake.settings(base)
            let harness = try await TestHarness.make(.sqlite) { [settings] config in
                config.network.operators = [settings]
                config.limits.verifyFailuresPerNetworkPerHour = 30
            }
            try await harness.test { client in
                for _ in 0..<30 {
                    let started = try await Self.start(client)
                    #expect(try await Self.finish(client, started, try await Self.follow(started)).errorCode == "network_verification_failed")
                }
                let exchanges = fake.requests.filter { $0 == "/token" }.count
                #expect(exchanges == 30)
                let started = try await Self.start(client)
                let limited = try await Self.finish(client, started, try await Self.follow(started))
                #expect(limited.status == .tooManyRequests)
                #expect(limited.errorCode == "network_rate_limited")
                #expect(fake.requests.filter { $0 == "/token" }.count == exchanges)
                // The number's owner is not held by a stranger's failures: a code still signs them in.
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM verify_failures WHERE phone_number = ''") == 30)
            }
        }
        // Starts asked the operator nothing but its metadata.
        #expect(!fake.requests.contains("/sim-swap/v2/check"))
    }

    /// A confirmed number signs in as a right code does: a ban holds, and so does a recent SIM swap of an account.
    @Test(arguments: Backend.all)
    func aBanOrARecentSIMSwapHoldsASilentSignInAsItHoldsACode(backend: Backend) async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = Self.phone }
        try await fake.run { base in
            let harness = try await Self.harness(backend, fake, base)
            try await harness.test { client in
                let started = try await Self.start(client)
                #expect(try await Self.finish(client, started, try await Self.follow(started)).status == .ok)
                fake.fixtures.withLock { $0.simChanges[Self.phone] = Date().addingTimeInterval(-3_600) }
                let swapped = try await Self.start(client)
                let held = try await Self.finish(client, swapped, try await Self.follow(swapped))
                #expect(held.status == .forbidden)
                #expect(held.errorCode == "sim_swap_detected")
                fake.fixtures.withLock { $0.simChanges = [:] }
                try await harness.sql.execute("UPDATE users SET disabled_at = CURRENT_TIMESTAMP WHERE phone_number = '\(Self.phone)'")
                let banned = try await Self.start(client)
                let refused = try await Self.finish(client, banned, try await Self.follow(banned))
                #expect(refused.status == .forbidden)
                #expect(refused.errorCode == "account_disabled")
            }
        }
    }
}
