import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct SessionTests {
    private func refresh(_ client: some TestClientProtocol, _ token: String) async throws -> TestResponse {
        try await client.request(.post, "/auth/refresh", json: ["refresh_token": token])
    }

    @Test(arguments: Backend.all) func refreshRotatesBothTokensAndRetiresTheOldRefreshToken(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let first = try await harness.signInGrant(client)
            harness.clock.advance(by: 60)
            let refreshed = try await refresh(client, first.refresh)
            #expect(refreshed.status == .ok)
            let access = try #require(refreshed.json["access_token"] as? String)
            let newRefresh = try #require(refreshed.json["refresh_token"] as? String)
            #expect(access != first.access)
            #expect(newRefresh != first.refresh)
            #expect(refreshed.json["expires_in"] as? Int == 1800)
            #expect(try JWTTestSupport.payload(of: access)["sid"] as? String == JWTTestSupport.payload(of: first.access)["sid"] as? String)
            #expect(try await client.request(.get, "/api/v1/profile", token: access).status == .ok)
            // The new refresh token works in turn.
            harness.clock.advance(by: 60)
            #expect(try await refresh(client, newRefresh).status == .ok)
        }
    }

    @Test(arguments: Backend.all) func refreshTokensAreStoredOnlyAsHashes(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let grant = try await harness.signInGrant(client)
            let session = try await harness.sql.sessions().first
            #expect(session?.refreshTokenHash == RefreshTokens(pepper: [], random: SystemRandomSource()).hash(grant.refresh))
            let raw = try await harness.sql.sessions().map(\.refreshTokenHash)
            #expect(!raw.contains(Data(grant.refresh.utf8)))
        }
    }

    @Test(arguments: Backend.all) func reusingARetiredRefreshTokenAfterTheGraceWindowRevokesTheSession(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let first = try await harness.signInGrant(client)
            let rotated = try await refresh(client, first.refresh)
            let second = try #require(rotated.json["refresh_token"] as? String)
            let access = try #require(rotated.json["access_token"] as? String)
            harness.clock.advance(by: 11)
            let reused = try await refresh(client, first.refresh)
            #expect(reused.status == .unauthorized)
            #expect(reused.errorCode == "refresh_token_reused")
            // The thief's replay ended the session for the rightful holder too.
            #expect(try await refresh(client, second).errorCode == "invalid_refresh_token")
            #expect(try await client.request(.get, "/api/v1/profile", token: access).status == .unauthorized)
        }
    }

    @Test(arguments: Backend.all) func concurrentRefreshesWithinTheGraceWindowAllGetTheSamePair(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.ahc(.http)) { (client) async throws -> Void in
            let grant = try await harness.signInGrant(client)
            let pairs = try await withThrowingTaskGroup(of: (Int, String?, String?).self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        let response = try await refresh(client, grant.refresh)
                        return (response.status.code, response.json["access_token"] as? String, response.json["refresh_token"] as? String)
                    }
                }
                return try await group.reduce(into: [(Int, String?, String?)]()) { $0.append($1) }
            }
            #expect(pairs.allSatisfy { $0.0 == 200 })
            #expect(Set(pairs.compactMap(\.2)).count == 1)
            #expect(Set(pairs.compactMap(\.1)).count == 1)
            let access = try #require(pairs.first?.1)
            #expect(try await client.request(.get, "/api/v1/profile", token: access).status == .ok)
        }
    }

    @Test(arguments: Backend.all) func unknownOrMalformedRefreshTokensAreRefused(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            #expect(try await refresh(client, "not-a-token").errorCode == "invalid_refresh_token")
            #expect(try await refresh(client, "").errorCode == "invalid_refresh_token")
            #expect(try await client.request(.post, "/auth/refresh", json: [:]).errorDetail["field"] as? String == "refresh_token")
        }
    }

    @Test(arguments: Backend.all) func aSessionEndsAtItsSlidingAndAbsoluteLimits(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            var refreshToken = try await harness.signInGrant(client).refresh
            // Refreshing every 29 days keeps the session alive, but never past 90 days from sign-in.
            for _ in 0..<3 {
                harness.clock.advance(by: 29 * 86_400)
                let response = try await refresh(client, refreshToken)
                #expect(response.status == .ok)
                refreshToken = try #require(response.json["refresh_token"] as? String)
            }
            harness.clock.advance(by: 4 * 86_400)  // day 91
            #expect(try await refresh(client, refreshToken).errorCode == "invalid_refresh_token")

            let idle = try await harness.signInGrant(client, phone: "+13125550199").refresh
            harness.clock.advance(by: 31 * 86_400)
            #expect(try await refresh(client, idle).errorCode == "invalid_refresh_token")
        }
    }

    @Test(arguments: Backend.all) func logoutScopes(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let a = try await harness.signInGrant(client, userAgent: "phone")
            let b = try await harness.signInGrant(client, userAgent: "laptop")
            let c = try await harness.signInGrant(client, userAgent: "tablet")

            #expect(try await client.request(.post, "/auth/logout?scope=local", token: a.access).status == .noContent)
            #expect(try await client.request(.get, "/api/v1/profile", token: a.access).status == .unauthorized)
            #expect(try await refresh(client, a.refresh).errorCode == "invalid_refresh_token")
            #expect(try await client.request(.get, "/api/v1/profile", token: b.access).status == .ok)

            #expect(try await client.request(.post, "/auth/logout?scope=others", token: b.access).status == .noContent)
            #expect(try await client.request(.get, "/api/v1/profile", token: b.access).status == .ok)
            #expect(try await client.request(.get, "/api/v1/profile", token: c.access).status == .unauthorized)

            #expect(try await client.request(.post, "/auth/logout?scope=everything", token: b.access).errorDetail["field"] as? String == "scope")
            #expect(try await client.request(.post, "/auth/logout", token: b.access).status == .noContent)  // global
            #expect(try await client.request(.get, "/api/v1/profile", token: b.access).status == .unauthorized)
            #expect(try await refresh(client, b.refresh).errorCode == "invalid_refresh_token")
            let user = try await harness.sql.users().first
            #expect(user?.isActive == false)
        }
    }

    @Test(arguments: Backend.all) func sessionsAreListedAndRevocableOnlyByTheirOwner(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let phone = try await harness.signInGrant(client, userAgent: "phone")
            let laptop = try await harness.signInGrant(client, userAgent: "laptop")
            let stranger = try await harness.signInGrant(client, phone: "+13125550199")

            let listed = try await client.request(.get, "/auth/sessions", token: laptop.access)
            let items = try #require(listed.json["sessions"] as? [[String: Any]])
            #expect(items.count == 2)
            #expect(Set(items.compactMap { $0["user_agent"] as? String }) == ["phone", "laptop"])
            #expect(items.filter { $0["current"] as? Bool == true }.map { $0["user_agent"] as? String } == ["laptop"])
            let phoneID = try #require(items.first { $0["user_agent"] as? String == "phone" }?["id"] as? String)

            #expect(try await client.request(.delete, "/auth/sessions/\(phoneID)", token: stranger.access).status == .notFound)
            #expect(try await client.request(.get, "/api/v1/profile", token: phone.access).status == .ok)
            #expect(try await client.request(.delete, "/auth/sessions/\(phoneID)", token: laptop.access).status == .noContent)
            #expect(try await client.request(.get, "/api/v1/profile", token: phone.access).status == .unauthorized)
            #expect(try await client.request(.delete, "/auth/sessions/\(phoneID)", token: laptop.access).status == .notFound)
        }
    }

    @Test(arguments: Backend.all) func forceLogoutAndRoleChangesMakeOlderTokensStaleUntilRefreshed(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let grant = try await harness.signInGrant(client)
            harness.clock.advance(by: 5)
            let now = harness.clock.now
            try await harness.sql.execute("UPDATE users SET role = 'admin', permissions_updated_at = ?", dates: [now])
            let stale = try await client.request(.get, "/api/v1/profile", token: grant.access)
            #expect(stale.status == .unauthorized)
            #expect(stale.errorCode == "token_stale")
            let refreshed = try await refresh(client, grant.refresh)
            let access = try #require(refreshed.json["access_token"] as? String)
            #expect(try JWTTestSupport.payload(of: access)["role"] as? String == "admin")
            #expect(try await client.request(.get, "/api/v1/profile", token: access).status == .ok)

            harness.clock.advance(by: 5)
            let cutoff = harness.clock.now
            try await harness.sql.execute("INSERT INTO markets (code, force_logout_after) VALUES ('us', ?)", dates: [cutoff])
            #expect(try await client.request(.get, "/api/v1/profile", token: access).errorCode == "token_stale")
        }
    }

    @Test(arguments: Backend.all) func aVersionOneTokenIsAcceptedWithDatabaseFallbackAndCountedOnce(backend: Backend) async throws {
        try await acceptsAnOlderToken(backend: backend, version: 1)
    }

    /// The first tokens carried no `ver` at all: the same as version 1.
    @Test func aTokenWithoutAVersionIsVersionOne() async throws {
        try await acceptsAnOlderToken(backend: .sqlite, version: nil)
    }

    private func acceptsAnOlderToken(backend: Backend, version: Int?) async throws {
        let harness = try await TestHarness.make(backend)
        let fallbacks = ClaimsFallbackCounter()
        var dependencies = harness.dependencies
        dependencies.claimsFallbacks = fallbacks
        let real = try await harness.app(dependencies).test(.router) { client in try await harness.signIn(client) }
        var payload = try JWTTestSupport.payload(of: real)
        if let version { payload["ver"] = version } else { payload.removeValue(forKey: "ver") }
        payload.removeValue(forKey: "sid")
        payload.removeValue(forKey: "role")
        payload.removeValue(forKey: "market")
        let old = JWTTestSupport.token(header: ["alg": "HS256", "typ": "JWT"], payload: payload, secret: harness.config.jwtSecret)
        try await harness.app(dependencies).test(.router) { (client) async throws -> Void in
            for _ in 0..<3 {
                let response = try await client.request(.get, "/api/v1/market", token: old)
                #expect(response.status == .ok)
                #expect(response.json["code"] as? String == "us")  // from the database
            }
        }
        #expect(fallbacks.count == 1)
    }

    @Test(arguments: Backend.all) func aCurrentVersionTokenMissingItsSessionIsRejected(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let real = try await harness.test { client in try await harness.signIn(client) }
        var payload = try JWTTestSupport.payload(of: real)
        payload.removeValue(forKey: "sid")
        let forged = JWTTestSupport.token(header: ["alg": "HS256", "typ": "JWT"], payload: payload, secret: harness.config.jwtSecret)
        try await harness.test { (client) async throws -> Void in
            #expect(try await client.request(.get, "/api/v1/profile", token: forged).status == .unauthorized)
        }
    }
}
