import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthResourceServer
@testable import PhoneAuthServer

/// The kit's revocation list against a live PhoneAuth: a token revoked by any writer of the database (a request, the
/// operator CLI) is refused on its next check, and while the stream is down the kit asks introspection or refuses.
@Suite struct RevocationKitTests {
    static let credential = "orders-service:orders-secret-0123456789"

    /// Checks `token` until the kit refuses it as revoked, for up to `limit`; whether it did.
    private func refusedAsRevoked(_ authenticator: PhoneAuthAuthenticator, _ token: String, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            do { _ = try await authenticator.authenticate(token) } catch .revoked { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    private func waitUntilLive(_ revocations: PhoneAuthRevocations, _ live: Bool = true) async throws -> Bool {
        for _ in 0..<500 {
            if await revocations.status.isLive == live { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test(arguments: Backend.all)
    func aRevokedTokenIsRefusedOnItsNextCheckAndTheFallbackNeverTrustsStaleState(backend: Backend) async throws {
        let harness = try await RevocationStreamTests.harness(backend)
        try await harness.test(.live) { client in
            let base = URL(string: "http://127.0.0.1:\(client.port!)")!
            let revocations = PhoneAuthRevocations(
                phoneAuth: base, clientID: "orders-service", clientSecret: "orders-secret-0123456789", fallback: .introspect(cacheFor: 5))
            await revocations.start()
            let verifier = PhoneAuthTokenVerifier(keys: .hs256(kid: harness.config.jwtKeyID, secret: harness.config.jwtSecret))
            let authenticator = PhoneAuthAuthenticator(verifier: verifier, revocations: revocations)
            #expect(try await waitUntilLive(revocations))

            let kg = try await harness.signIn(client, phone: "+996555100071")
            let caller = try await authenticator.authenticate(authorization: "Bearer \(kg)")
            #expect(caller.market == "kg")
            harness.clock.advance(by: 1)
            #expect(try await client.request(.post, "/auth/logout", token: kg).status == .noContent)
            #expect(try await refusedAsRevoked(authenticator, kg, within: .seconds(1)))

            // The operator CLI, another process, writing the database directly.
            let us = try await harness.signIn(client, phone: "+13125550171")
            #expect(try await authenticator.authenticate(us).market == "us")
            let cli = try await CLIRunner.run(
                ["admin", "force-logout", "--phone", "+13125550171", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(try await refusedAsRevoked(authenticator, us, within: .seconds(1)))
            #expect(await revocations.status.lastEventID != nil)

            // The stream stopped: no answer comes from the list any more; introspection says, token by token.
            await revocations.stop()
            #expect(await revocations.status.isLive == false)
            harness.clock.advance(by: 1)
            let fresh = try await harness.signIn(client, phone: "+996555100072")
            #expect(try await authenticator.authenticate(fresh).market == "kg")
            let other = try await harness.signIn(client, phone: "+996555100073")
            #expect(try await client.request(.post, "/auth/logout", token: other).status == .noContent)
            await #expect(throws: TokenRejection.revoked) { try await authenticator.authenticate(other) }
            // Configured to refuse instead, a token whose state is unknown is refused.
            let refusing = PhoneAuthAuthenticator(
                verifier: verifier,
                revocations: PhoneAuthRevocations(
                    phoneAuth: base, clientID: "orders-service", clientSecret: "orders-secret-0123456789", fallback: .refuse))
            await #expect(throws: TokenRejection.revocationUnknown) { try await refusing.authenticate(fresh) }
            // Introspection unreachable: refused too, never waved through.
            let unreachable = PhoneAuthAuthenticator(
                verifier: verifier, revocations: PhoneAuthRevocations(phoneAuth: URL(string: "http://127.0.0.1:1")!, clientID: "x", clientSecret: "y")
            )
            await #expect(throws: TokenRejection.revocationUnknown) { try await unreachable.authenticate(fresh) }
            // Back again, it resumes after the last event it applied.
            await revocations.start()
            #expect(try await waitUntilLive(revocations))
            #expect(try await refusedAsRevoked(authenticator, other, within: .seconds(1)))
            await revocations.stop()
        }
    }
}
