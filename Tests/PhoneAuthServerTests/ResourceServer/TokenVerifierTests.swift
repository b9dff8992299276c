import Foundation
import Hummingbird
import JWTKit
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthResourceServer
@testable import PhoneAuthServer

/// A service of the app's own verifies PhoneAuth's tokens with `PhoneAuthResourceServer` alone: real tokens from a
/// live PhoneAuth (ES256 by its JWKS, HS256 by the shared secret), and what it must refuse.
@Suite struct TokenVerifierTests {
    @Test func es256TokensVerifyByThePublishedJWKSAndEveryFaultIsRefused() async throws {
        let harness = try JWKSTests.harness(pem: ES256PrivateKey().pemRepresentation)
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let token = try await harness.signIn(client, phone: "+996555100041")
            let jwks = URL(string: "http://127.0.0.1:\(client.port!)/.well-known/jwks.json")!
            let verifier = PhoneAuthTokenVerifier(keys: .jwks(jwks))
            let caller = try await verifier.verify(token)
            #expect(caller.market == "kg")
            #expect(caller.role == "user")
            #expect(caller.userID == (try await harness.sql.users().first { $0.phoneNumber == "+996555100041" }?.id))
            #expect(caller.expiresAt.timeIntervalSince(caller.issuedAt) == 1_800)

            var tampered = Array(token)
            tampered[tampered.count - 5] = tampered[tampered.count - 5] == "A" ? "B" : "A"
            await #expect(throws: TokenRejection.badSignature) { try await verifier.verify(String(tampered)) }
            await #expect(throws: TokenRejection.malformed) { try await verifier.verify("not-a-token") }
            await #expect(throws: TokenRejection.wrongAudience) {
                try await PhoneAuthTokenVerifier(keys: .jwks(jwks), audience: "orders-api").verify(token)
            }
            await #expect(throws: TokenRejection.wrongIssuer) {
                try await PhoneAuthTokenVerifier(keys: .jwks(jwks), issuer: "someone-else").verify(token)
            }
            let later = Date().addingTimeInterval(1_800 + 31)
            await #expect(throws: TokenRejection.expired) { try await PhoneAuthTokenVerifier(keys: .jwks(jwks), now: { later }).verify(token) }
            // PhoneAuth unreachable and no keys at hand: refused, never waved through.
            await #expect(throws: TokenRejection.keysUnavailable) {
                try await PhoneAuthTokenVerifier(keys: .jwks(URL(string: "http://127.0.0.1:1/.well-known/jwks.json")!)).verify(token)
            }
        }
    }

    @Test func hs256TokensVerifyWithTheSharedSecret() async throws {
        let harness = try TestHarness()
        harness.clock.set(Date())
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+13125550141")
            let verifier = PhoneAuthTokenVerifier(keys: .hs256(kid: harness.config.jwtKeyID, secret: harness.config.jwtSecret))
            #expect(try await verifier.verify(token).market == "us")
            let stranger = PhoneAuthTokenVerifier(keys: .hs256(kid: harness.config.jwtKeyID, secret: Array(repeating: 7, count: 32)))
            await #expect(throws: TokenRejection.badSignature) { try await stranger.verify(token) }
        }
    }

    /// A key PhoneAuth starts signing with after the JWKS was fetched is picked up at its first token; a key id nobody
    /// publishes makes it fetch again at most once a minute.
    @Test func aRotatedKeyIsPickedUpAndUnknownKeyIdsFetchAtMostOnceAMinute() async throws {
        let (first, second) = (ES256PrivateKey(), ES256PrivateKey())
        let published = Locked([(kid: "k1", key: first)])
        let fetches = Locked(0)
        let router = Router()
        router.get(".well-known/jwks.json") { _, _ -> Response in
            fetches.withLock { $0 += 1 }
            let document = JWKSDocument(es256: published.withLock { $0 })
            var response = FakeProvider.json(.ok, try JSONSerialization.jsonObject(with: JSONEncoder().encode(document)) as! [String: Any])
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
        try await FakeProvider.serve(router, label: "jwks") { base in
            let clock = Locked(Date())
            let verifier = PhoneAuthTokenVerifier(keys: .jwks(URL(string: base + "/.well-known/jwks.json")!), now: { clock.withLock { $0 } })
            #expect(try await verifier.verify(try await Self.token(first, kid: "k1")).userID == 7)
            #expect(try await verifier.verify(try await Self.token(first, kid: "k1")).userID == 7)
            #expect(fetches.withLock { $0 } == 1)  // kept for its max-age
            published.withLock { $0 = [(kid: "k2", key: second), (kid: "k1", key: first)] }
            clock.withLock { $0 = $0.addingTimeInterval(61) }
            #expect(try await verifier.verify(try await Self.token(second, kid: "k2")).userID == 7)
            #expect(fetches.withLock { $0 } == 2)
            let forged = try await Self.token(ES256PrivateKey(), kid: "k9")
            await #expect(throws: TokenRejection.unknownKey) { try await verifier.verify(forged) }
            await #expect(throws: TokenRejection.unknownKey) { try await verifier.verify(forged) }
            #expect(fetches.withLock { $0 } == 2)  // the last fetch was under a minute ago
        }
    }

    /// A token as PhoneAuth signs one (user 7 in `kg`), by `key` under `kid`.
    static func token(_ key: ES256PrivateKey, kid: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: kid))
        let now = Date()
        let claims = AccessClaims(
            userID: 7, market: "kg", sessionID: "s-1", role: "user", issuedAt: .init(value: now), expiration: .init(value: now + 1_800),
            notBefore: nil, issuer: .init(value: "phoneauth"), audience: .init(value: ["phoneauth-api"]), id: .init(value: "j"), versionClaim: 2)
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid))
    }
}
