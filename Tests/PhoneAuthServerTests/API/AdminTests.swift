import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct AdminTests {
    /// Signs in an admin (promoted in the database, then refreshed for a current token) and a plain user.
    private func adminAndUser(
        _ harness: TestHarness, _ client: some TestClientProtocol
    ) async throws -> (admin: String, user: (access: String, refresh: String)) {
        let admin = try await harness.signInAdmin(client)
        return (admin, try await harness.signInGrant(client, phone: "+996555123456"))
    }

    @Test(arguments: [
        (HTTPRequest.Method.get, "/admin/users?phone=%2B13125550001"), (.get, "/admin/users/1"), (.get, "/admin/users/1/sessions"),
        (.patch, "/admin/users/1"), (.post, "/admin/users/1/force-logout"), (.post, "/admin/markets/us/force-logout"), (.post, "/admin/force-logout"),
        (.post, "/admin/users/1/disable"), (.post, "/admin/users/1/enable"), (.get, "/admin/users/search?q=aida"),
    ])
    func nonAdminsAreRefused(method: HTTPRequest.Method, path: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client)
            let response = try await client.request(method, path, json: method == .patch ? ["role": "admin"] : nil, token: token)
            #expect(response.status == .forbidden)
            #expect(response.errorCode == "forbidden")
            #expect(try await client.request(method, path).status == .unauthorized)
        }
        let user = try await harness.sql.users().first
        #expect(user?.role == "user")
    }

    @Test(arguments: Backend.all) func anAdminFindsUsersAndTheirSessions(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, _) = try await adminAndUser(harness, client)
            let found = try await client.request(.get, "/admin/users?phone=%2B996%20555%20123%20456", token: admin)
            #expect(found.status == .ok)
            let user = try #require(found.json["user"] as? [String: Any])
            #expect(user["phone_number"] as? String == "+996555123456")
            #expect(found.json["role"] as? String == "user")
            let id = try #require(user["id"] as? Int)
            #expect(try await client.request(.get, "/admin/users/\(id)", token: admin).status == .ok)
            let sessions = try await client.request(.get, "/admin/users/\(id)/sessions", token: admin)
            #expect((sessions.json["sessions"] as? [[String: Any]])?.count == 1)
            #expect(try await client.request(.get, "/admin/users/999", token: admin).status == .notFound)
            #expect(try await client.request(.get, "/admin/users?phone=%2B13125559999", token: admin).status == .notFound)
        }
    }

    @Test(arguments: Backend.all) func anAdminSearchesUsersByAPieceOfANameOrNumber(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, _) = try await adminAndUser(harness, client)  // +13125550001 (admin) and +996555123456
            try await harness.sql.execute("UPDATE users SET full_name = 'Aida Bekova' WHERE phone_number = '+996555123456'")
            func phones(_ query: String) async throws -> [String] {
                let found = try await client.request(.get, "/admin/users/search?\(query)", token: admin)
                #expect(found.status == .ok, "\(query)")
                return (found.json["users"] as? [[String: Any]] ?? []).compactMap { ($0["user"] as? [String: Any])?["phone_number"] as? String }
            }
            #expect(try await phones("q=bek") == ["+996555123456"])
            #expect(try await phones("q=555%20123") == ["+996555123456"])
            #expect(try await phones("q=%2B1%20312") == ["+13125550001"])
            #expect(try await phones("q=555").count == 2)
            #expect(try await phones("q=555&limit=1").count == 1)
            #expect(try await phones("q=nobody").isEmpty)
            let listed = try await client.request(.get, "/admin/users/search?q=aida", token: admin)
            let first = try #require((listed.json["users"] as? [[String: Any]])?.first)
            #expect(first["role"] as? String == "user" && first["disabled_at"] is NSNull)
            for (query, field) in [("", "q"), ("q=a", "q"), ("q=aida&limit=0", "limit"), ("q=aida&limit=x", "limit")] {
                let refused = try await client.request(.get, "/admin/users/search?\(query)", token: admin)
                #expect(refused.status == .badRequest, "\(query)")
                #expect(refused.errorDetail["field"] as? String == field, "\(query)")
            }
        }
    }

    @Test(arguments: Backend.all) func aRoleChangeMakesOlderTokensStaleAndRefreshCarriesTheNewRole(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, user) = try await adminAndUser(harness, client)
            harness.clock.advance(by: 1)
            let patched = try await client.request(.patch, "/admin/users/2", json: ["role": "admin"], token: admin)
            #expect(patched.status == .ok)
            #expect(patched.json["role"] as? String == "admin")
            #expect(try await client.request(.get, "/api/v1/profile", token: user.access).errorCode == "token_stale")
            let refreshed = try await client.request(.post, "/auth/refresh", json: ["refresh_token": user.refresh])
            let access = try #require(refreshed.json["access_token"] as? String)
            #expect(try JWTTestSupport.payload(of: access)["role"] as? String == "admin")
            #expect(try await client.request(.get, "/admin/users/1", token: access).status == .ok)
            #expect(
                try await client.request(.patch, "/admin/users/2", json: ["role": "root"], token: admin).errorDetail["field"] as? String == "role")
        }
    }

    @Test(arguments: Backend.all) func forceLogoutOfAUserRejectsOlderTokensAndLetsAFreshLoginThrough(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, user) = try await adminAndUser(harness, client)
            harness.clock.advance(by: 1)
            let result = try await client.request(.post, "/admin/users/2/force-logout", token: admin)
            #expect(result.json["sessions_revoked"] as? Int == 1)
            #expect(try await client.request(.get, "/api/v1/profile", token: user.access).errorCode == "token_stale")
            #expect(try await client.request(.post, "/auth/refresh", json: ["refresh_token": user.refresh]).errorCode == "invalid_refresh_token")
            harness.clock.advance(by: 1)
            let fresh = try await harness.signInGrant(client, phone: "+996555123456")
            #expect(try await client.request(.get, "/api/v1/profile", token: fresh.access).status == .ok)
            #expect(try await client.request(.get, "/admin/users/1", token: admin).status == .ok)  // the admin is untouched
        }
    }

    @Test(arguments: Backend.all) func forceLogoutOfAMarketOnlyTouchesThatMarket(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, user) = try await adminAndUser(harness, client)
            harness.clock.advance(by: 1)
            #expect(try await client.request(.post, "/admin/markets/kg/force-logout", token: admin).status == .ok)
            #expect(try await client.request(.get, "/api/v1/profile", token: user.access).errorCode == "token_stale")
            #expect(try await client.request(.get, "/admin/users/1", token: admin).status == .ok)  // a us user
            #expect(try await client.request(.post, "/admin/markets/zz/force-logout", token: admin).status == .notFound)
            harness.clock.advance(by: 1)
            let fresh = try await harness.signInGrant(client, phone: "+996555123456")
            #expect(try await client.request(.get, "/api/v1/profile", token: fresh.access).status == .ok)
        }
    }

    @Test(arguments: Backend.all) func forceLogoutOfEveryoneIncludesTheAdmin(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, user) = try await adminAndUser(harness, client)
            harness.clock.advance(by: 1)
            #expect(try await client.request(.post, "/admin/force-logout", token: admin).json["sessions_revoked"] as? Int == 2)
            #expect(try await client.request(.get, "/api/v1/profile", token: user.access).errorCode == "token_stale")
            #expect(try await client.request(.get, "/admin/users/1", token: admin).errorCode == "token_stale")
            harness.clock.advance(by: 1)
            let fresh = try await harness.signInGrant(client, phone: "+13125550001")
            #expect(try await client.request(.get, "/admin/users/1", token: fresh.access).status == .ok)
        }
    }

    /// The operator CLI works on the database file; a running server sees the change on its very next request.
    @Test(arguments: Backend.all) func cliForceLogoutWhileTheServerRunsTakesEffectOnTheNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        harness.clock.set(Date())  // the CLI stamps wall-clock time
        try await harness.test(.live) { (client) async throws -> Void in
            let grant = try await harness.signInGrant(client, phone: "+996555123456")
            #expect(try await client.request(.get, "/api/v1/profile", token: grant.access).status == .ok)
            try await Task.sleep(for: .milliseconds(5))
            let cli = try await CLIRunner.run(
                ["admin", "force-logout", "--phone", "+996 555 123 456", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(cli.stdout.contains("1 session(s) revoked"))
            #expect(try await client.request(.get, "/api/v1/profile", token: grant.access).errorCode == "token_stale")

            let promote = try await CLIRunner.run(
                ["admin", "promote", "+996555123456", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(promote.status == 0)
            let listed = try await CLIRunner.run(
                ["admin", "sessions", "--phone", "+996555123456", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(listed.stdout.contains("tests/1.0"))
            let missing = try await CLIRunner.run(["admin", "demote", "+13125559999", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("+1***99"))
        }
        let user = try await harness.sql.users().first
        #expect(user?.role == "admin")
    }
}
