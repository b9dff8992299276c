import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthResourceServer
@testable import PhoneAuthServer

@Suite struct TokenTamperingTests {
    /// Signs in a real user, then sends a hand-built token for that user, so only the token decides the outcome.
    private func status(
        header: [String: Any] = ["alg": "HS256", "typ": "JWT"],
        edit: (inout [String: Any]) -> Void = { _ in },
        secret: [UInt8]? = nil,
        hash: String = "HS256",
        rawToken: ((String) -> String)? = nil
    ) async throws -> HTTPResponse.Status {
        let harness = try TestHarness()
        let real = try await harness.test { client in try await harness.signIn(client) }
        var payload = try JWTTestSupport.payload(of: real)
        edit(&payload)
        let forged = rawToken?(real) ?? JWTTestSupport.token(header: header, payload: payload, secret: secret ?? harness.config.jwtSecret, hash: hash)
        return try await harness.test { client in
            let response = try await client.request(.get, "/api/v1/profile", token: forged)
            if response.status == .unauthorized {
                // An expired token is told apart (`token_expired`) so a client knows to refresh.
                #expect(response.errorCode == "unauthorized" || response.errorCode == "token_expired")
                #expect(response.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
            }
            return response.status
        }
    }

    @Test func aTokenBuiltByHandWithTheServersKeyIsAccepted() async throws {
        #expect(try await status() == .ok)
    }

    @Test func aChangedPayloadIsRejected() async throws {
        #expect(
            try await status(rawToken: { real in
                let parts = real.split(separator: ".")
                var payload = try! JWTTestSupport.payload(of: real)
                payload["user_id"] = 2
                return "\(parts[0]).\(JWTTestSupport.base64URL(JWTTestSupport.json(payload))).\(parts[2])"
            }) == .unauthorized)
    }

    /// Found by the fuzz target access-token: jwt-kit took `=` padding, and a base64 decoder ignores a last
    /// character's unused bits, so these other spellings of a genuine token verified. Each is refused.
    @Test(
        arguments: [
            { (real: String) in real + "=" }, { real in real + "==" },
            { real in String(real.dropLast()) + Self.flippingTheLowestBit(of: real.last!) },  // an unused bit of the signature
            { real in real.replacingOccurrences(of: ".", with: "=.") },
        ] as [@Sendable (String) -> String])
    func anotherSpellingOfAGenuineTokenIsRejected(spell: @escaping @Sendable (String) -> String) async throws {
        #expect(try await status(rawToken: spell) == .unauthorized)
    }

    /// The base64url character whose value differs in the lowest bit (an HS256 signature's 43rd character carries two
    /// unused bits).
    private static func flippingTheLowestBit(of character: Character) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return String(alphabet[alphabet.firstIndex(of: character)! ^ 1])
    }

    @Test func onlyTheOneSpellingOfATokenIsCanonical() {
        // RFC 7515 A.1: 43-character signature whose last character carries two unused zero bits.
        let example =
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        #expect(CompactJWS.isCanonical(example))
        #expect(!CompactJWS.isCanonical(example + "="))
        #expect(!CompactJWS.isCanonical(String(example.dropLast()) + "l"))  // 'k' ^ 1: an unused bit set
        #expect(!CompactJWS.isCanonical(example.replacingOccurrences(of: "-", with: "+")))
        #expect(!CompactJWS.isCanonical("a.b"))
        #expect(!CompactJWS.isCanonical("a.b.c.d"))
        #expect(!CompactJWS.isCanonical("abcde.AA.AA"))  // 4n+1 characters is no base64
    }

    @Test(arguments: ["none", "None", "NONE", "nOnE"])
    func algNoneIsRejectedInAnySpelling(alg: String) async throws {
        #expect(
            try await status(
                header: ["alg": alg, "typ": "JWT"],
                rawToken: { real in
                    JWTTestSupport.token(header: ["alg": alg, "typ": "JWT"], payload: try! JWTTestSupport.payload(of: real), secret: nil)
                }) == .unauthorized)
        // The same, keeping the genuine signature.
        #expect(
            try await status(
                header: ["alg": alg, "typ": "JWT"],
                rawToken: { real in
                    JWTTestSupport.token(header: ["alg": alg, "typ": "JWT"], payload: try! JWTTestSupport.payload(of: real), secret: nil)
                        + real.split(separator: ".")[2]
                }) == .unauthorized)
    }

    @Test(arguments: ["HS384", "HS512"])
    func otherHMACAlgorithmsWithTheSameSecretAreRejected(alg: String) async throws {
        #expect(try await status(header: ["alg": alg, "typ": "JWT"], hash: alg) == .unauthorized)
    }

    @Test(arguments: ["RS256", "ES256", "EdDSA", "hs256"])
    func otherAlgorithmNamesAreRejectedEvenWithAnHS256Signature(alg: String) async throws {
        #expect(try await status(header: ["alg": alg, "typ": "JWT"]) == .unauthorized)
    }

    @Test func anotherKeyIsRejected() async throws {
        #expect(try await status(secret: Array("another-secret-of-at-least-32-bytes-000000".utf8)) == .unauthorized)
    }

    @Test func anExpiredTokenIsTokenExpired() async throws {
        let harness = try TestHarness()
        let token = try await harness.test { client in try await harness.signIn(client) }
        harness.clock.advance(by: 1800 + 31)
        try await harness.test { client in
            let response = try await client.request(.get, "/api/v1/profile", token: token)
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "token_expired")
            #expect(response.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
        }
    }

    @Test func expiryHonoursAtMostThirtySecondsOfLeeway() async throws {
        let now = ManualClock().now.timeIntervalSince1970
        #expect(try await status(edit: { $0["exp"] = now - 31 }) == .unauthorized)
        #expect(try await status(edit: { $0["exp"] = now - 29 }) == .ok)
    }

    @Test func aFutureNotBeforeIsRejectedBeyondTheLeeway() async throws {
        let now = ManualClock().now.timeIntervalSince1970
        #expect(try await status(edit: { $0["nbf"] = now + 60 }) == .unauthorized)
        #expect(try await status(edit: { $0["nbf"] = now + 20 }) == .ok)
    }

    @Test func wrongIssuerOrAudienceIsRejected() async throws {
        #expect(try await status(edit: { $0["iss"] = "someone-else" }) == .unauthorized)
        #expect(try await status(edit: { $0["aud"] = "another-api" }) == .unauthorized)
    }

    @Test(arguments: ["exp", "iss", "aud", "user_id", "market"])
    func aMissingRequiredClaimIsRejected(claim: String) async throws {
        #expect(try await status(edit: { $0.removeValue(forKey: claim) }) == .unauthorized)
    }

    @Test(arguments: ["", "Bearer", "Basic dXNlcjpwYXNz", "Bearer abc", "Bearer a.b.c", "Bearer ..."])
    func malformedAuthorizationHeadersAre401(header: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            var headers = HTTPFields()
            if !header.isEmpty { headers[.authorization] = header }
            let response = try await client.execute(uri: "/api/v1/profile", method: .get, headers: headers)
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "unauthorized")
            #expect(response.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
        }
    }

    /// Signed with the server's own key, but naming keys to fetch or extensions to honour: a token of ours never
    /// carries these, so none is accepted.
    @Test(
        arguments: [
            ("jku", "https://attacker.example/jwks.json" as any Sendable), ("x5u", "https://attacker.example/cert.pem"),
            ("jwk", ["kty": "oct", "k": "c2VjcmV0"]), ("x5c", ["MIIB"]), ("crit", ["exp"]),
        ] as [(String, any Sendable)])
    func headersNamingKeysOrCriticalExtensionsAreRejected(field: String, value: any Sendable) async throws {
        #expect(try await status(header: ["alg": "HS256", "typ": "JWT", field: value]) == .unauthorized)
    }

    @Test(arguments: ["../../etc/passwd", "k1' OR '1'='1", "/dev/null", "", String(repeating: "k", count: 5_000)])
    func aKidWithPathOrSQLCharactersIsRejected(kid: String) async throws {
        #expect(try await status(header: ["alg": "HS256", "typ": "JWT", "kid": kid]) == .unauthorized)
    }

    @Test func anEmptySignatureIsRejected() async throws {
        #expect(try await status(rawToken: { real in real.split(separator: ".").prefix(2).joined(separator: ".") + "." }) == .unauthorized)
    }

    /// Each token is only good in its own place: a refresh token is no bearer token, an access token refreshes nothing.
    @Test func aRefreshTokenIsNoAccessTokenAndTheReverse() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let grant = try await harness.signInGrant(client)
            let asBearer = try await client.request(.get, "/api/v1/profile", token: grant.refresh)
            #expect(asBearer.status == .unauthorized)
            #expect(asBearer.errorCode == "unauthorized")
            let asRefresh = try await client.request(.post, "/auth/refresh", json: ["refresh_token": grant.access])
            #expect(asRefresh.status == .unauthorized)
            #expect(asRefresh.errorCode == "invalid_refresh_token")
            #expect(try await harness.sql.sessions().count == 1, "no session opened or ended")
            #expect(try await client.request(.get, "/api/v1/profile", token: grant.access).status == .ok)
        }
    }

    @Test func aTokenForAUserThatDoesNotExistIsRejected() async throws {
        #expect(try await status(edit: { $0["user_id"] = 999 }) == .unauthorized)
    }

    /// RFC 7515 appendix A.1: the HS256 example verifies with its key while the clock is before its `exp`.
    @Test func rfc7515ExampleVerifiesWithItsKey() async throws {
        struct ExamplePayload: JWTPayload {
            var iss: IssuerClaim
            var exp: ExpirationClaim
            var isRoot: Bool

            enum CodingKeys: String, CodingKey {
                case iss, exp
                case isRoot = "http://example.com/is_root"
            }

            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let key = try #require(Data(base64URLEncoded: "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"))
        let token =
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let pinned = Date(timeIntervalSince1970: 1_300_819_000)
        let service = await TokenService(
            keys: [JWTKeyEntry(kid: "rfc", secret: Array(key))], issuer: "joe", audience: "unused", lifetime: .seconds(1800), leeway: .seconds(30),
            now: { pinned }
        )
        let payload = try await service.verifySignature(token, as: ExamplePayload.self)
        #expect(payload.iss.value == "joe")
        #expect(payload.isRoot)
        try payload.exp.verifyNotExpired(currentDate: pinned)
        #expect(throws: (any Error).self) { try payload.exp.verifyNotExpired(currentDate: Date(timeIntervalSince1970: 1_300_819_381)) }

        let tampered = token.replacingOccurrences(of: "dBjftJeZ4CVP", with: "dBjftJeZ4CVQ")
        await #expect(throws: AppError.unauthorized) { try await service.verifySignature(tampered, as: ExamplePayload.self) }
    }
}
