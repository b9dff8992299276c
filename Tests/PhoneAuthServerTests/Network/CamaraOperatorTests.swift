import Foundation
import JWTKit
import Logging
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthNetwork

/// The CAMARA client against a loopback operator that checks what a real one checks: every token request carries a
/// client assertion signed by the registered key, for that endpoint, never replayed; scopes declare one purpose;
/// Number Verification's code and token are used once.
@Suite struct CamaraOperatorTests {
    static let phone = "+996555100001"

    static func settings(_ base: String, twoLegged: NetworkOperatorSettings.TwoLegged = .ciba, timeout: Double = 5) -> NetworkOperatorSettings {
        NetworkOperatorSettings(
            market: "kg", issuer: base, apiRoot: base, clientID: FakeOperator.clientID, privateKeyFile: "/unused",
            redirectURI: "http://127.0.0.1:1/auth/network/callback", twoLegged: twoLegged, timeoutSeconds: timeout)
    }

    static func client(
        _ fake: FakeOperator, _ base: String, twoLegged: NetworkOperatorSettings.TwoLegged = .ciba, timeout: Double = 5,
        key: String? = nil, breaker: CircuitBreaker = CircuitBreaker()
    ) async throws -> CamaraOperator {
        let assertion = try await ClientAssertion(
            clientID: FakeOperator.clientID, privateKeyPEM: key ?? fake.clientKey.pemRepresentation, keyID: nil, now: { Date() })
        return CamaraOperator(
            settings: settings(base, twoLegged: twoLegged, timeout: timeout), assertion: assertion, curl: .isolated(), breaker: breaker,
            logger: Logger(label: "test"))
    }

    @Test func aSIMSwapCheckWaitsOutCIBAsPendingAnswerAndComparesTheWindow() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.simChanges = [Self.phone: Date().addingTimeInterval(-10 * 3_600)] }
        try await fake.run { base in
            let camara = try await Self.client(fake, base)
            #expect(try await camara.simSwapped(phone: Self.phone, maxAgeHours: 72))
            #expect(try await !camara.simSwapped(phone: Self.phone, maxAgeHours: 6))
            #expect(try await !camara.simSwapped(phone: "+996555100002", maxAgeHours: 72))
        }
        // Discovery once; then per check: the backchannel request, a pending poll, the token, the check.
        #expect(
            Array(fake.requests.prefix(5)) == ["/.well-known/openid-configuration", "/bc-authorize", "/token", "/token", "/sim-swap/v2/check"])
        #expect(fake.requests.filter { $0 == "/sim-swap/v2/check" }.count == 3)
        #expect(fake.echoedCorrelators.count == 3)
    }

    @Test func aJWTBearerGrantTakesOneTokenRequest() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.newSubscribers = [Self.phone: Date().addingTimeInterval(-20 * 86_400)] }
        try await fake.run { base in
            let camara = try await Self.client(fake, base, twoLegged: .jwtBearer)
            #expect(try await camara.recycled(phone: Self.phone, since: Date().addingTimeInterval(-200 * 86_400)))
            #expect(try await !camara.recycled(phone: Self.phone, since: Date().addingTimeInterval(-2 * 86_400)))
            #expect(try await !camara.simSwapped(phone: Self.phone, maxAgeHours: 72))
        }
        #expect(!fake.requests.contains("/bc-authorize"))
        #expect(fake.requests.filter { $0 == "/token" }.count == 3)
    }

    @Test func numberVerificationExchangesTheCodeOnceAndAnswersForTheDevicesNumber() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = Self.phone }
        try await fake.run { base in
            let camara = try await Self.client(fake, base)
            let verifier = "a-verifier-of-enough-length-0123456789-abcdefghijkl"
            func follow(for phone: String) async throws -> [String: String] {
                let url = try await camara.authorizationURL(
                    SilentAuthorization(phone: phone, state: "s-1", nonce: "n-1", codeChallenge: FakeOperator.challenge(of: verifier)))
                #expect(url.contains("prompt=none") && url.contains("login_hint=tel%3A%2B"))
                let answer = try await CurlClient.isolated().perform(CurlRequest(url: url, method: "GET"))
                #expect(answer.status == 302)
                let location = try #require(answer.header("location").flatMap { URLComponents(string: $0) })
                return Dictionary(uniqueKeysWithValues: (location.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            }
            let query = try await follow(for: Self.phone)
            #expect(query["state"] == "s-1")
            let code = try #require(query["code"])
            #expect(try await camara.verifyDevice(phone: Self.phone, code: code, codeVerifier: verifier))
            // The code was spent by the exchange.
            await #expect(throws: NetworkCheckError.refused("invalid_grant")) {
                try await camara.verifyDevice(phone: Self.phone, code: code, codeVerifier: verifier)
            }
            // Another number than the device's: the operator says no.
            let other = try #require(try await follow(for: "+996555100002")["code"])
            #expect(try await !camara.verifyDevice(phone: "+996555100002", code: other, codeVerifier: verifier))
            // A wrong verifier is refused at the exchange.
            let third = try #require(try await follow(for: Self.phone)["code"])
            await #expect(throws: NetworkCheckError.refused("invalid_grant")) {
                try await camara.verifyDevice(phone: Self.phone, code: third, codeVerifier: verifier + "x")
            }
            // Off the operator's mobile network (Wi-Fi): no code, an error in the redirect.
            fake.fixtures.withLock { $0.deviceNumber = nil }
            #expect(try await follow(for: Self.phone)["error"] == "access_denied")
        }
    }

    @Test func aClientAssertionSignedByAnotherKeyIsRefused() async throws {
        let fake = try await FakeOperator()
        try await fake.run { base in
            let stranger = try await Self.client(fake, base, key: ES256PrivateKey().pemRepresentation)
            await #expect(throws: NetworkCheckError.refused("invalid_client")) {
                try await stranger.simSwapped(phone: Self.phone, maxAgeHours: 72)
            }
        }
    }

    @Test func anOutageOrATimeoutIsUnavailableAndOpensTheCircuit() async throws {
        let fake = try await FakeOperator()
        try await fake.run { base in
            let breaker = CircuitBreaker(threshold: 3, cooldown: .seconds(60))
            let camara = try await Self.client(fake, base, twoLegged: .jwtBearer, timeout: 0.5, breaker: breaker)
            #expect(try await !camara.simSwapped(phone: Self.phone, maxAgeHours: 72))
            fake.fixtures.withLock { $0.outage = true }
            await #expect(throws: NetworkCheckError.unavailable("HTTP 503")) { try await camara.simSwapped(phone: Self.phone, maxAgeHours: 72) }
            fake.fixtures.withLock { ($0.outage, $0.delay) = (false, .seconds(2)) }
            let started = ContinuousClock.now
            await #expect(throws: NetworkCheckError.unavailable("timeout")) { try await camara.simSwapped(phone: Self.phone, maxAgeHours: 72) }
            #expect(ContinuousClock.now - started < .seconds(1.5))
            await #expect(throws: NetworkCheckError.self) { try await camara.simSwapped(phone: Self.phone, maxAgeHours: 72) }
            // Three failures in a row: the circuit is open and the next check fails at once, without a request.
            #expect(breaker.isOpen)
            fake.fixtures.withLock { $0.delay = .zero }
            let before = fake.requests.count
            await #expect(throws: NetworkCheckError.unavailable("circuit open")) {
                try await camara.simSwapped(phone: Self.phone, maxAgeHours: 72)
            }
            #expect(fake.requests.count == before)
        }
    }
}
