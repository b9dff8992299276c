import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// An operator's ban is a state of its own that signing in cannot undo (issue 10, finding 1).
@Suite struct BanTests {
    let userPhone = "+996555123456"

    /// An admin (promoted in the database) and a signed-in user with their tokens and id.
    private func adminAndUser(_ harness: TestHarness, _ client: some TestClientProtocol) async throws
        -> (admin: String, user: (access: String, refresh: String), userID: Int64)
    {
        let admin = try await harness.signInAdmin(client)
        let user = try await harness.signInGrant(client, phone: userPhone)
        let id = try await harness.sql.users().first { $0.phoneNumber == userPhone }?.id
        return (admin, user, try #require(id))
    }

    private func userRow(_ harness: TestHarness) async throws -> User? {
        try await harness.sql.users().first { $0.phoneNumber == userPhone }
    }

    @Test(arguments: Backend.all) func deactivatingThroughTheAdminAPIIsABanThatTheNextSignInCannotUndo(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, user, id) = try await adminAndUser(harness, client)
            // A code the user already holds when the ban lands.
            let pending = try await harness.sendCode(client, phone: userPhone)
            harness.clock.advance(by: 1)
            let banned = try await client.request(
                .patch, "/admin/users/\(id)", json: ["is_active": false, "disabled_reason": "chargebacks"], token: admin)
            #expect(banned.status == .ok)
            #expect(banned.json["disabled_reason"] as? String == "chargebacks")
            #expect(banned.json["disabled_at"] is String)

            let profile = try await client.request(.get, "/api/v1/profile", token: user.access)
            #expect(profile.status == .unauthorized)
            #expect(profile.errorCode == "account_disabled")
            let refresh = try await client.request(.post, "/auth/refresh", json: ["refresh_token": user.refresh])
            #expect(refresh.status == .unauthorized)
            #expect(refresh.errorCode == "account_disabled")
            let verify = try await client.request(
                .post, "/auth/verify-code", json: ["verification_id": pending.id, "verification_code": pending.code])
            #expect(verify.status == .forbidden)
            #expect(verify.errorCode == "account_disabled")
            // The phone path (older clients) is refused alike.
            let fixed = try await client.request(.post, "/auth/verify-code", json: ["phone": userPhone, "verification_code": pending.code])
            #expect(fixed.status == .badRequest)  // the code was burnt by the refused try above
        }
        let row = try #require(try await userRow(harness))
        #expect(row.disabledAt != nil)
        #expect(row.disabledReason == "chargebacks")
        let live = try await harness.sql.sessions().filter { $0.userID == row.id && $0.isActive }
        #expect(live.isEmpty)
    }

    @Test(arguments: Backend.all) func sendCodeToADisabledUserAnswersAsForAnyoneButTextsNothing(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, _, id) = try await adminAndUser(harness, client)
            #expect(try await client.request(.post, "/admin/users/\(id)/disable", token: admin).status == .ok)
            let textedBefore = harness.sms.sent.count
            let banned = try await client.request(.post, "/auth/send-code", json: ["phone": userPhone])
            let stranger = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555000999"])
            #expect(banned.status == .accepted)
            #expect(banned.status == stranger.status)
            #expect(Set(banned.json.keys) == Set(stranger.json.keys))
            #expect(banned.json["expires_in"] as? Int == stranger.json["expires_in"] as? Int)
            #expect(harness.sms.sent.count == textedBefore + 1)
            #expect(harness.sms.sent.last?.to.e164 == "+996555000999")
        }
    }

    @Test(arguments: Backend.all) func reEnablingLetsTheUserSignInAgainWhileOldSessionsStayEnded(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let (admin, user, id) = try await adminAndUser(harness, client)
            harness.clock.advance(by: 1)
            #expect(try await client.request(.post, "/admin/users/\(id)/disable", json: ["reason": "review"], token: admin).status == .ok)
            harness.clock.advance(by: 1)
            let enabled = try await client.request(.post, "/admin/users/\(id)/enable", token: admin)
            #expect(enabled.status == .ok)
            #expect(enabled.json["disabled_at"] is NSNull)
            #expect(try await client.request(.get, "/api/v1/profile", token: user.access).status == .unauthorized)
            #expect(try await client.request(.post, "/auth/refresh", json: ["refresh_token": user.refresh]).errorCode == "invalid_refresh_token")
            let again = try await harness.signIn(client, phone: userPhone)
            #expect(try await client.request(.get, "/api/v1/profile", token: again).status == .ok)
        }
        #expect(try await userRow(harness)?.disabledAt == nil)
    }

    @Test(arguments: Backend.all) func globalLogoutStillOnlyLastsUntilTheNextSignIn(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client, phone: userPhone)
            #expect(try await client.request(.post, "/auth/logout", token: token).status == .noContent)
            #expect(try await userRow(harness)?.isActive == false)
            harness.clock.advance(by: 1)
            let again = try await harness.signIn(client, phone: userPhone)
            #expect(try await client.request(.get, "/api/v1/profile", token: again).status == .ok)
        }
        #expect(try await userRow(harness)?.isActive == true)
    }

    @Test(arguments: [#"{"reason":"\#(String(repeating: "x", count: 501))"}"#, #"{"reason":7}"#])
    func aBadReasonIsRefused(body: String) async throws {
        let harness = try TestHarness()
        try await harness.test { (client) async throws -> Void in
            let (admin, _, id) = try await adminAndUser(harness, client)
            let response = try await client.request(.post, "/admin/users/\(id)/disable", body: body, token: admin)
            #expect(response.status == .badRequest)
            #expect(response.errorDetail["field"] as? String == "reason")
            #expect(try await client.request(.post, "/admin/users/999/disable", token: admin).status == .notFound)
        }
        #expect(try await userRow(harness)?.disabledAt == nil)
    }

    @Test(arguments: Backend.all) func theOperatorCLIDisablesAndEnablesAgainstARunningServer(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.live) { (client) async throws -> Void in
            let user = try await harness.signInGrant(client, phone: userPhone)
            let database = ["--database", harness.databaseURL]
            let disabled = try await CLIRunner.run(
                ["admin", "disable", "--phone", "+996 555 123 456", "--reason", "fraud ring"] + database, binary: "PhoneAuthServer")
            #expect(disabled.status == 0)
            #expect(disabled.stdout.contains("disabled"))
            let refused = try await client.request(.get, "/api/v1/profile", token: user.access)
            #expect(refused.errorCode == "account_disabled")
            #expect(try await userRow(harness)?.disabledReason == "fraud ring")

            let id = try #require(try await userRow(harness)?.id)
            let enabled = try await CLIRunner.run(["admin", "enable", "--user", String(id)] + database, binary: "PhoneAuthServer")
            #expect(enabled.status == 0)
            #expect(try await userRow(harness)?.disabledAt == nil)
            let unknown = try await CLIRunner.run(["admin", "enable", "--user", "999"] + database, binary: "PhoneAuthServer")
            #expect(unknown.status == 1)
            let both = try await CLIRunner.run(["admin", "disable", "--user", "1", "--phone", userPhone] + database, binary: "PhoneAuthServer")
            #expect(both.status == 64)
        }
    }

    @Test func aSendThatTextsNothingTakesAboutAsLongAsRealSends() {
        let mask = SendTimingMask()
        #expect(mask.delay(random: SystemRandomSource()) == .zero)
        for _ in 0..<40 { mask.record(.milliseconds(200)) }
        for _ in 0..<20 {
            let delay = mask.delay(random: SystemRandomSource())
            #expect(delay >= .milliseconds(159) && delay <= .milliseconds(241))
        }
        // A provider stuck for a minute does not make masked answers a minute long.
        mask.record(.seconds(60))
        #expect(mask.delay(random: SystemRandomSource()) <= .seconds(SendTimingMask.ceiling * 1.2))
    }
}
