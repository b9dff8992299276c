import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `POST /auth/introspect` (RFC 7662) for the app's other services: revocation included, behind a service credential.
@Suite struct IntrospectionTests {
    static let credential = "orders-service:orders-secret-0123456789"

    static func harness(_ backend: Backend) async throws -> TestHarness {
        try await TestHarness.make(backend) { config in
            config.introspectionClients = try! IntrospectionClients(parsing: [credential, "billing:billing-secret-0123456789"])
        }
    }

    private func basic(_ credential: String) -> String {
        "Basic " + Data(credential.utf8).base64EncodedString()
    }

    private func introspect(_ client: some TestClientProtocol, _ token: String, as credential: String? = Self.credential, form: Bool = true)
        async throws -> TestResponse
    {
        var headers = HTTPFields()
        if let credential { headers[.authorization] = basic(credential) }
        let body: String
        if form {
            headers[.contentType] = "application/x-www-form-urlencoded"
            body = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? token) + "&token_type_hint=access_token"
        } else {
            headers[.contentType] = "application/json"
            body = String(data: try JSONSerialization.data(withJSONObject: ["token": token]), encoding: .utf8)!
        }
        return try await client.execute(uri: "/auth/introspect", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test(arguments: Backend.all)
    func aGoodTokenIsActiveWithItsClaims(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+996555123456")
            for form in [true, false] {
                let answer = try await introspect(client, token, form: form)
                #expect(answer.status == .ok)
                #expect(answer.headers[.cacheControl] == "no-store")
                #expect(answer.json["active"] as? Bool == true)
                #expect(answer.json["user_id"] as? Int == 1)
                #expect(answer.json["market"] as? String == "kg")
                #expect(answer.json["role"] as? String == "user")
                #expect(answer.json["token_type"] as? String == "access_token")
                #expect((answer.json["sid"] as? String)?.isEmpty == false)
                let exp = try #require(answer.json["exp"] as? Int)
                let iat = try #require(answer.json["iat"] as? Int)
                #expect(exp - iat == 1800)
            }
        }
    }

    @Test(arguments: Backend.all)
    func revokedExpiredForgedAndRefreshTokensAreInactive(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            let grant = try await harness.signInGrant(client, phone: "+13125550100")
            let inactive = #"{"active":false}"#
            #expect(String(buffer: try await introspect(client, grant.refresh).body) == inactive)
            #expect(String(buffer: try await introspect(client, "not-a-token").body) == inactive)
            #expect(String(buffer: try await introspect(client, grant.access + "x").body) == inactive)
            // A logout elsewhere: inactive on the very next introspection.
            let other = try await harness.signIn(client, phone: "+13125550199")
            #expect(try await client.request(.post, "/auth/logout", token: other).status == .noContent)
            #expect(String(buffer: try await introspect(client, other).body) == inactive)
            harness.clock.advance(by: 1800 + 31)  // past the 30 s leeway
            #expect(String(buffer: try await introspect(client, grant.access).body) == inactive)
        }
    }

    @Test(arguments: Backend.all)
    func aBannedUsersTokenIsInactive(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+13125550100")
            let id = try #require(try await harness.sql.users().first?.id)
            try await harness.sql.execute("UPDATE users SET disabled_at = updated_at WHERE id = \(id)")
            let answer = try await introspect(client, token)
            #expect(answer.status == .ok)
            #expect(answer.json["active"] as? Bool == false)
            #expect(answer.json.count == 1)
        }
    }

    @Test(arguments: [nil, "orders-service:wrong-secret-0123456789", "nobody:orders-secret-0123456789", "orders-service"])
    func withoutAValidClientCredentialIts401(credential: String?) async throws {
        let harness = try await Self.harness(.sqlite)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            let answer = try await introspect(client, token, as: credential)
            #expect(answer.status == .unauthorized)
            #expect(answer.errorCode == "invalid_client")
            #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            #expect(try await introspect(client, token, as: "billing:billing-secret-0123456789").status == .ok)
        }
    }

    /// Guessing a client's secret: ten failures from one network in ten minutes, then 429 until the window moves on,
    /// even with the right secret; another network (a real service behind a trusted proxy) is unaffected.
    @Test func failedClientAuthenticationIsThrottledPerNetwork() async throws {
        let harness = try await TestHarness.make(.sqlite) { config in
            config.introspectionClients = try! IntrospectionClients(parsing: [Self.credential])
            config.limits.trustedProxies = ["127.0.0.1"]
        }
        try await harness.test(.live) { client in
            let token = try await harness.signIn(client)
            func introspect(from address: String, secret: String) async throws -> TestResponse {
                let headers: HTTPFields = [
                    .authorization: basic("orders-service:\(secret)"), .contentType: "application/json", .init("X-Forwarded-For")!: address,
                ]
                return try await client.execute(uri: "/auth/introspect", method: .post, headers: headers, body: ByteBuffer(string: "{\"token\":\"\(token)\"}"))
            }
            for guess in 0..<10 {
                #expect(try await introspect(from: "203.0.113.5", secret: "guess-\(guess)").status == .unauthorized)
            }
            let throttled = try await introspect(from: "203.0.113.5", secret: "orders-secret-0123456789")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.errorCode == "network_rate_limited")
            #expect(throttled.headers[.retryAfter] == "600")
            #expect(try await introspect(from: "198.51.100.8", secret: "orders-secret-0123456789").status == .ok)
            harness.clock.advance(by: 601)
            #expect(try await introspect(from: "203.0.113.5", secret: "orders-secret-0123456789").status == .ok)
        }
    }

    @Test func noConfiguredClientRefusesEveryone() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client)
            #expect(try await introspect(client, token).status == .unauthorized)
        }
    }

    @Test func aMissingTokenIsABadRequest() async throws {
        let harness = try await Self.harness(.sqlite)
        try await harness.test { client in
            let response = try await client.execute(
                uri: "/auth/introspect", method: .post,
                headers: [.authorization: basic(Self.credential), .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token_type_hint=access_token"))
            #expect(response.status == .badRequest)
            #expect(response.errorDetail["field"] as? String == "token")
        }
    }

    @Test func clientsComeFromRepeatedFlagsOrTheEnvironment() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-introspect-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let flags = try ServeOptions.parse([
            "--database", folder + "/db.sqlite", "--introspection-client", "a:aaaaaaaaaaaaaaaa", "--introspection-client", "b:bbbbbbbbbbbbbbbb",
        ]).resolve(environment: [:])
        #expect(flags.introspectionClients.count == 2)
        let environment = try ServeOptions.parse(["--database", folder + "/db.sqlite"])
            .resolve(environment: ["PHONEAUTH_INTROSPECTION_CLIENTS": "a:aaaaaaaaaaaaaaaa,c:cccccccccccccccc"])
        #expect(environment.introspectionClients.count == 2)
        #expect(throws: ConfigError.self) { try IntrospectionClients(parsing: ["short:secret"]) }
        #expect(throws: ConfigError.self) { try IntrospectionClients(parsing: ["a:aaaaaaaaaaaaaaaa", "a:bbbbbbbbbbbbbbbb"]) }
    }
}
