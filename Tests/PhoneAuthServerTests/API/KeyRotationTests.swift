import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct KeyRotationTests {
    static let k1 = JWTKeyEntry(kid: "k1", secret: Array("first-key-of-at-least-32-bytes-000000000".utf8))
    static let k2 = JWTKeyEntry(kid: "k2", secret: Array("second-key-of-at-least-32-bytes-11111111".utf8))

    static func harness(keys: [JWTKeyEntry], folder: TestHarness? = nil) throws -> TestHarness {
        try TestHarness { config in
            config.jwtKeyID = keys[0].kid
            config.jwtSecret = keys[0].secret
            config.jwtPreviousKeys = Array(keys.dropFirst())
            if let folder { config.database = folder.config.database }
        }
    }

    private func header(_ token: String) throws -> [String: Any] {
        let part = token.split(separator: ".")[0]
        return try JSONSerialization.jsonObject(with: Data(base64URLEncoded: part)!) as! [String: Any]
    }

    @Test func newTokensUseTheNewestKeyAndOldKeysStillVerify() async throws {
        let before = try Self.harness(keys: [Self.k1])
        let old = try await before.test { client in try await before.signIn(client) }
        #expect(try header(old)["kid"] as? String == "k1")

        // Rotated: k2 signs, k1 is kept for the tokens it signed.
        let after = try Self.harness(keys: [Self.k2, Self.k1], folder: before)
        after.clock.set(before.clock.now)
        try await after.test { client in
            #expect(try await client.request(.get, "/api/v1/profile", token: old).status == .ok)
            let fresh = try await after.signIn(client, phone: "+13125550199")
            #expect(try header(fresh)["kid"] as? String == "k2")
            #expect(try await client.request(.get, "/api/v1/profile", token: fresh).status == .ok)
        }

        // k1 removed: its tokens are refused.
        let removed = try Self.harness(keys: [Self.k2], folder: before)
        removed.clock.set(before.clock.now)
        try await removed.test { client in
            let response = try await client.request(.get, "/api/v1/profile", token: old)
            #expect(response.status == .unauthorized)
            #expect(response.errorCode == "unauthorized")
        }
    }

    @Test func anUnknownKidIsRejectedEvenWithAValidSignature() async throws {
        let harness = try Self.harness(keys: [Self.k1])
        let real = try await harness.test { client in try await harness.signIn(client) }
        let payload = try JWTTestSupport.payload(of: real)
        let forged = JWTTestSupport.token(header: ["alg": "HS256", "typ": "JWT", "kid": "k9"], payload: payload, secret: Self.k1.secret)
        let noKid = JWTTestSupport.token(header: ["alg": "HS256", "typ": "JWT"], payload: payload, secret: Self.k1.secret)
        try await harness.test { (client) async throws -> Void in
            #expect(try await client.request(.get, "/api/v1/profile", token: forged).status == .unauthorized)
            #expect(try await client.request(.get, "/api/v1/profile", token: noKid).status == .ok)  // the signing key's
        }
    }

    @Test func keyringsComeFromTheEnvironmentOrAFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let generated = JWTKeyEntry.generate()
        let old = "k1:" + String(repeating: "o", count: 40)
        let config = try ServeOptions.parse(["--database", folder.path + "/db.sqlite"]).resolve(environment: [
            "PHONEAUTH_JWT_KEYS": "\(generated),\(old)"
        ])
        #expect(config.jwtKeyID == String(generated.split(separator: ":")[0]))
        #expect(config.jwtSecret.count >= 32)
        #expect(config.jwtPreviousKeys.map(\.kid) == ["k1"])

        let file = folder.path + "/keys.json"
        try #"{"keys":[{"kid":"a","secret":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},{"kid":"b","secret":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}]}"#
            .write(toFile: file, atomically: true, encoding: .utf8)
        let fromFile = try ServeOptions.parse(["--database", folder.path + "/db.sqlite", "--jwt-keys-file", file]).resolve(environment: [:])
        #expect(fromFile.jwtKeyID == "a")
        #expect(fromFile.jwtPreviousKeys.map(\.kid) == ["b"])

        #expect(throws: ConfigError.self) {
            try ServeOptions.parse(["--database", folder.path + "/db.sqlite"]).resolve(environment: ["PHONEAUTH_JWT_KEYS": "k1:short"])
        }
        #expect(throws: ConfigError.self) {
            try ServeOptions.parse(["--database", folder.path + "/db.sqlite"]).resolve(environment: ["PHONEAUTH_JWT_KEYS": "\(old),\(old)"])
        }
    }

    @Test func keysGeneratePrintsAStrongKey() async throws {
        let result = try await CLIRunner.run(["keys", "generate"], binary: "PhoneAuthServer")
        #expect(result.status == 0)
        let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = line.split(separator: ":")
        #expect(parts.count == 2)
        #expect(parts[0].hasPrefix("k"))
        #expect(parts[1].utf8.count >= 43)
        #expect(try JWTKeyEntry.parseList(line).first?.secret.count ?? 0 >= 32)
    }
}

/// ES256 signing with the public key published as a JWKS, so other services verify tokens without a secret.
@Suite struct JWKSTests {
    static func harness(pem: String) throws -> TestHarness {
        try TestHarness { $0.jwtES256 = [.init(kid: "es1", privateKeyPEM: pem)] }
    }

    @Test func es256TokensVerifyFromThePublishedJWKSAlone() async throws {
        let harness = try Self.harness(pem: ES256PrivateKey().pemRepresentation)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client)
            let header = try JSONSerialization.jsonObject(with: Data(base64URLEncoded: token.split(separator: ".")[0])!) as? [String: Any]
            #expect(header?["alg"] as? String == "ES256")
            #expect(header?["kid"] as? String == "es1")
            #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .ok)

            let jwks = try await client.request(.get, "/.well-known/jwks.json")
            #expect(jwks.status == .ok)
            let keys = try #require(jwks.json["keys"] as? [[String: Any]])
            #expect(keys.count == 1)
            #expect(keys.first?["kty"] as? String == "EC" && keys.first?["crv"] as? String == "P-256" && keys.first?["kid"] as? String == "es1")
            #expect(keys.first?["d"] == nil)  // never the private part

            // Another service: only the JWKS, no secret.
            let verifier = JWTKeyCollection()
            try await verifier.add(jwksJSON: String(buffer: jwks.body))
            let claims = try await verifier.verify(token, as: AccessClaims.self)
            #expect(claims.market == "us")
        }
    }

    @Test func anES256KeyringSignsWithTheFirstKeyAndPublishesAndAcceptsEvery() async throws {
        let (first, second) = (ES256PrivateKey(), ES256PrivateKey())
        let signing = try TestHarness {
            $0.jwtES256 = [.init(kid: "es2", privateKeyPEM: second.pemRepresentation), .init(kid: "es1", privateKeyPEM: first.pemRepresentation)]
        }
        let older = try TestHarness {
            $0.jwtES256 = [.init(kid: "es1", privateKeyPEM: first.pemRepresentation)]
            $0.database = signing.config.database
        }
        let oldToken = try await older.test { client in try await older.signIn(client, phone: "+13125550191") }
        try await signing.test { (client) async throws -> Void in
            let token = try await signing.signIn(client)
            let header = try JSONSerialization.jsonObject(with: Data(base64URLEncoded: token.split(separator: ".")[0])!) as? [String: Any]
            #expect(header?["kid"] as? String == "es2")
            #expect(try await client.request(.get, "/api/v1/profile", token: oldToken).status == .ok)
            let jwks = try await client.request(.get, "/.well-known/jwks.json")
            #expect((jwks.json["keys"] as? [[String: Any]])?.compactMap { $0["kid"] as? String } == ["es2", "es1"])
        }
    }

    @Test(arguments: ["es1", "es1:", ":/tmp/key.pem", "es1:/no/such/key.pem"])
    func aMalformedES256KeyringIsAConfigurationError(keyring: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-es-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: ConfigError.self) {
            try ServeOptions.parse(["--database", folder.path + "/db.sqlite", "--jwt-es256-keys", keyring]).resolve(environment: [:])
        }
    }

    @Test func theAlgorithmMustBeTheKeys() async throws {
        let harness = try Self.harness(pem: ES256PrivateKey().pemRepresentation)
        let real = try await harness.test { client in try await harness.signIn(client) }
        let payload = try JWTTestSupport.payload(of: real)
        // An HS256 token naming the ES256 key (the public key used as an HMAC secret, say) is refused…
        let confused = JWTTestSupport.token(header: ["alg": "HS256", "kid": "es1"], payload: payload, secret: harness.config.jwtSecret)
        // …while one signed by the still-configured HS256 key, under its own kid, is accepted.
        let hmac = JWTTestSupport.token(header: ["alg": "HS256", "kid": "k1"], payload: payload, secret: harness.config.jwtSecret)
        try await harness.test { (client) async throws -> Void in
            #expect(try await client.request(.get, "/api/v1/profile", token: confused).status == .unauthorized)
            #expect(try await client.request(.get, "/api/v1/profile", token: hmac).status == .ok)
        }
    }

    @Test func hmacOnlyServersPublishAnEmptyKeySet() async throws {
        let harness = try TestHarness()
        try await harness.test { (client) async throws -> Void in
            let jwks = try await client.request(.get, "/.well-known/jwks.json")
            #expect(jwks.status == .ok)
            #expect((jwks.json["keys"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func aBadPEMIsAConfigurationError() {
        var config = AppConfig.testing
        config.jwtES256 = [.init(kid: "es1", privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----")]
        #expect(throws: ConfigError.self) { try config.validate() }
    }
}
