import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Carriers give a number dormant for months to someone new: a sign-in by code to an account unused (no sign-in, no
/// refresh) for more than 180 days gets a fresh account, with a marker the app can show, and the old account is set
/// aside with its data for support; an operator can give it its number back.
@Suite struct DormantAccountTests {
    static let phone = "+13125550191"
    static let home = ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]

    static func verify(_ harness: TestHarness, _ client: some TestClientProtocol) async throws -> TestResponse {
        let sent = try await harness.sendCode(client, phone: phone)
        return try await client.request(.post, "/auth/verify-code", json: ["verification_id": sent.id, "verification_code": sent.code])
    }

    /// The number signs in, lies unused 181 days, and signs in again: the first account's id and the second answer.
    static func recycle(_ harness: TestHarness, _ client: some TestClientProtocol) async throws -> (oldID: Int64, fresh: TestResponse) {
        _ = try await verify(harness, client)
        let oldID = try #require(try await harness.sql.users().first { $0.phoneNumber == phone }?.id)
        harness.clock.advance(by: 181 * 86_400)
        return (oldID, try await verify(harness, client))
    }

    @Test(arguments: Backend.all)
    func aSignInAfter181DaysGetsAFreshAccountAndTheOldOneIsKeptDetached(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let first = try await Self.verify(harness, client)
            #expect(first.json["previous_account"] == nil)
            let access = try #require(first.json["access_token"] as? String)
            #expect(try await client.request(.patch, "/api/v1/profile", json: ["full_name": "First Owner"], token: access).status == .ok)
            #expect(try await client.request(.post, "/api/v1/profile/addresses", json: Self.home, token: access).status == .created)
            let oldID = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone }?.id)

            harness.clock.advance(by: 181 * 86_400)
            let fresh = try await Self.verify(harness, client)
            #expect(fresh.status == .ok)
            #expect(fresh.json["previous_account"] as? String == "detached")
            let user = try #require(fresh.json["user"] as? [String: Any])
            #expect(user["id"] as? Int != Int(oldID))
            #expect(user["full_name"] is NSNull)
            let token = try #require(fresh.json["access_token"] as? String)
            let addresses = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            #expect((addresses.json["addresses"] as? [Any])?.isEmpty == true)
            // The old account's tokens are refused; its data is intact, set aside.
            #expect(try await client.request(.get, "/api/v1/profile", token: access).status == .unauthorized)
            let old = try #require(try await harness.sql.users().first { $0.id == oldID })
            #expect(old.phoneNumber == "detached:\(oldID)")
            #expect(old.fullName == "First Owner")
            #expect(old.detachedAt != nil)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM addresses WHERE user_id = \(oldID)") == 1)
            #expect(try await harness.sql.strings("SELECT COALESCE(reason, '-') FROM phone_history WHERE user_id = \(oldID)") == ["detached"])
            // The next sign-in is the new account's, plainly.
            let again = try await Self.verify(harness, client)
            #expect(again.json["previous_account"] == nil)
            #expect((again.json["user"] as? [String: Any])?["id"] as? Int == user["id"] as? Int)
        }
    }

    /// Dormancy runs from the last sign-in or refresh: an app that kept refreshing is not dormant 181 days after its
    /// sign-in.
    @Test(arguments: Backend.all)
    func refreshesKeepAnAccountAwake(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            var grant = try await harness.signInGrant(client, phone: Self.phone)
            let id = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone }?.id)
            for _ in 0..<4 {
                harness.clock.advance(by: 20 * 86_400)
                let refreshed = try await client.request(.post, "/auth/refresh", json: ["refresh_token": grant.refresh])
                #expect(refreshed.status == .ok)
                grant = (try #require(refreshed.json["access_token"] as? String), try #require(refreshed.json["refresh_token"] as? String))
            }
            harness.clock.advance(by: 101 * 86_400)  // 181 days after the sign-in, 101 after the last refresh
            let signedIn = try await Self.verify(harness, client)
            #expect(signedIn.json["previous_account"] == nil)
            #expect((signedIn.json["user"] as? [String: Any])?["id"] as? Int == Int(id))
        }
    }

    @Test(arguments: Backend.all)
    func anOperatorGivesTheDetachedAccountItsNumberBack(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (oldID, fresh) = try await Self.recycle(harness, client)
            let admin = try await harness.signInAdmin(client)
            let newID = try #require((fresh.json["user"] as? [String: Any])?["id"] as? Int)
            #expect(try await client.request(.post, "/admin/users/\(newID)/reattach", token: admin).status == .notFound)
            let back = try await client.request(.post, "/admin/users/\(oldID)/reattach", json: ["reason": "the owner called"], token: admin)
            #expect(back.status == .ok)
            #expect((back.json["user"] as? [String: Any])?["phone_number"] as? String == Self.phone)
            #expect(back.json["detached_at"] is NSNull)
            // The fresh account's token fails; the next sign-in is the old account's again.
            let freshToken = try #require(fresh.json["access_token"] as? String)
            #expect(try await client.request(.get, "/api/v1/profile", token: freshToken).status == .unauthorized)
            let signedIn = try await Self.verify(harness, client)
            #expect((signedIn.json["user"] as? [String: Any])?["id"] as? Int == Int(oldID))
            #expect(signedIn.json["previous_account"] == nil)
        }
        #expect(try await harness.sql.strings("SELECT action || ':' || COALESCE(detail, '-') FROM audit_log") == ["user.reattach:the owner called"])
    }

    @Test func allowSignsInToTheDormantAccount() async throws {
        let harness = try TestHarness { $0.account.recycledNumbers = .allow }
        try await harness.test { client in
            let first = try await Self.verify(harness, client)
            harness.clock.advance(by: 400 * 86_400)
            let later = try await Self.verify(harness, client)
            #expect(later.json["previous_account"] == nil)
            #expect((later.json["user"] as? [String: Any])?["id"] as? Int == (first.json["user"] as? [String: Any])?["id"] as? Int)
        }
    }

    /// A housekeeping pass as the server runs it, erasing detached accounts past their retention.
    static func housekeeping(_ harness: TestHarness) async throws -> PurgeCounts? {
        try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
            let accounts = AccountService(
                accounts: storage.accounts, addresses: storage.addresses, sessions: storage.sessions, audit: storage.audit,
                policy: harness.config.account, digest: PhoneDigest(pepper: harness.config.pepper), now: harness.clock.wallClock)
            return await Housekeeper(
                repository: storage.housekeeping, interval: .seconds(600), endedSessions: 30 * 86_400, markets: harness.config.markets,
                metrics: ServerMetrics(backend: "test"), now: harness.clock.wallClock, logger: TestPostgres.logger, accounts: accounts
            ).pass()
        }
    }

    /// Support keeps a detached account 90 days; then housekeeping erases it as a deletion would, and the number's
    /// new owner keeps everything: account, history, sign-in, no quarantine.
    @Test(arguments: Backend.all)
    func aDetachedAccountIsErasedWhenItsRetentionEnds(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let first = try await Self.verify(harness, client)
            let access = try #require(first.json["access_token"] as? String)
            #expect(try await client.request(.patch, "/api/v1/profile", json: ["full_name": "First Owner"], token: access).status == .ok)
            #expect(try await client.request(.post, "/api/v1/profile/addresses", json: Self.home, token: access).status == .created)
            let oldID = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone }?.id)
            harness.clock.advance(by: 181 * 86_400)
            let fresh = try await Self.verify(harness, client)
            let newID = try #require((fresh.json["user"] as? [String: Any])?["id"] as? Int)
            let token = try #require(fresh.json["access_token"] as? String)
            #expect(try await client.request(.patch, "/api/v1/profile", json: ["full_name": "New Owner"], token: token).status == .ok)

            harness.clock.advance(by: 89 * 86_400)
            #expect(try await Self.housekeeping(harness)?.detachedAccounts == 0)
            #expect(try await harness.sql.users().first { $0.id == oldID }?.fullName == "First Owner")
            harness.clock.advance(by: 2 * 86_400)
            #expect(try await Self.housekeeping(harness)?.detachedAccounts == 1)
            #expect(try await Self.housekeeping(harness)?.detachedAccounts == 0)

            let old = try #require(try await harness.sql.users().first { $0.id == oldID })
            #expect(old.phoneNumber == "deleted:\(oldID)")
            #expect(old.fullName == nil)
            #expect(old.deletedAt != nil)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM addresses WHERE user_id = \(oldID)") == 0)
            #expect(try await harness.sql.strings("SELECT phone_number FROM phone_history WHERE user_id = \(oldID)").allSatisfy { $0.hasPrefix("#") })
            #expect(try await AccountDeletionTests.rowsNaming("First Owner", harness, backend: backend) == [])
            // The new owner is untouched, and its number is in no quarantine.
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM released_numbers") == 0)
            #expect(try await harness.sql.strings("SELECT phone_number FROM phone_history WHERE user_id = \(newID)") == [Self.phone])
            let again = try await Self.verify(harness, client)
            #expect(again.status == .ok)
            #expect((again.json["user"] as? [String: Any])?["id"] as? Int == newID)
            #expect((again.json["user"] as? [String: Any])?["full_name"] as? String == "New Owner")
        }
        #expect(
            try await harness.sql.strings("SELECT action || '|' || via || '|' || COALESCE(detail, '-') FROM audit_log") == [
                "user.delete|server|detached account kept 90 days for support"
            ])
    }

    /// Erasing a detached account at once (an operator, the day it was detached) digests its own sign-in rows and
    /// leaves the new owner's: they came after its last sign-in.
    @Test(arguments: Backend.all)
    func erasingADetachedAccountLeavesTheNewOwnersRowsAlone(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (oldID, _) = try await Self.recycle(harness, client)
            let admin = try await harness.signInAdmin(client)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE phone_number = '\(Self.phone)'") == 2)
            let deleted = try await client.request(.post, "/admin/users/\(oldID)/delete", json: ["reason": "asked by the old owner"], token: admin)
            #expect(deleted.status == .ok)
            for table in ["sms_sends", "deliveries"] {
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM \(table) WHERE phone_number = '\(Self.phone)'") == 1, "\(table)")
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM \(table) WHERE phone_number LIKE '#%'") == 1, "\(table)")
            }
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM released_numbers") == 0)
            #expect(try await Self.verify(harness, client).status == .ok)
        }
    }

    /// The CLI gives the number back by user id (a detached account has no number to name it by).
    @Test(arguments: Backend.all)
    func anOperatorGivesTheNumberBackFromTheCLI(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.live) { client in
            let (oldID, fresh) = try await Self.recycle(harness, client)
            let newID = try #require((fresh.json["user"] as? [String: Any])?["id"] as? Int)
            let notDetached = try await CLIRunner.run(
                ["admin", "reattach", "--user", "\(newID)", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(notDetached.status == 1)
            #expect(notDetached.stderr.contains("not a detached account"))
            let cli = try await CLIRunner.run(
                ["admin", "reattach", "--user", "\(oldID)", "--reason", "ticket 12", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(cli.stdout.contains("has its number"))
            #expect(!cli.stdout.contains(Self.phone))
            // (The CLI runs on the real clock, half a year behind this test's: the rows say who holds the number.)
            let users = try await harness.sql.users()
            #expect(users.first { $0.phoneNumber == Self.phone }?.id == oldID)
            #expect(users.first { $0.id == oldID }?.detachedAt == nil)
            #expect(users.first { $0.id == Int64(newID) }?.detachedAt != nil)
            #expect(
                try await client.request(.get, "/api/v1/profile", token: try #require(fresh.json["access_token"] as? String)).status == .unauthorized)
        }
        #expect(
            try await harness.sql.strings("SELECT action || '|' || via || '|' || COALESCE(detail, '-') FROM audit_log") == [
                "user.reattach|cli|ticket 12"
            ])
    }
}
