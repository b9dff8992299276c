import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct LoginFlowTests {
    @Test(arguments: Backend.all) func sendCodeAnswers202AndTextsASixDigitCode(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { $0.limits.resendCooldown = .seconds(60) }
        try await harness.test { client in
            let response = try await client.request(.post, "/auth/send-code", json: ["phone": "+1 (312) 555-0100"])
            #expect(response.status == .accepted)
            #expect(response.json["status"] as? String == "sent")
            #expect(response.json["expires_in"] as? Int == 300)
            #expect(response.json["resend_after"] as? Int == 60)
            let id = try #require(response.json["verification_id"] as? String)
            #expect(id.wholeMatch(of: /v[A-Za-z0-9_-]{24}/) != nil)  // 144 random bits
            let message = try #require(harness.sms.sent.last)
            #expect(message.to.e164 == "+13125550100")
            #expect(message.code.wholeMatch(of: /[0-9]{6}/) != nil)
            #expect(message.body.contains(message.code))
            #expect(message.body.contains("PhoneAuth"))
        }
    }

    @Test(arguments: Backend.all) func codeIsStoredOnlyAsAnHMAC(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555123456"])
            let code = try #require(harness.sms.lastCode(to: "+996555123456"))
            let stored = try await harness.sql.verifications().first
            let row = try #require(stored)
            let expected = CodeHasher(pepper: harness.config.pepper).hash(phone: try PhoneNumber(parsing: "+996555123456"), code: code)
            #expect(row.codeHash == expected)
            #expect(row.codeHash.count == 32)
            #expect(row.expiresAt == harness.clock.now.addingTimeInterval(300))
        }
    }

    /// Issue 10, finding 5: it always said 60 whatever the cooldown was.
    @Test(arguments: Backend.all) func resendAfterIsTheConfiguredCooldown(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { $0.limits.resendCooldown = .seconds(30) }
        try await harness.test { client in
            let response = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            #expect(response.json["resend_after"] as? Int == 30)
        }
    }

    @Test(arguments: Backend.all) func sendCodeLooksTheSameForKnownAndUnknownPhones(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            _ = try await harness.signIn(client, phone: "+13125550100")
            let known = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            let unknown = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550199"])
            #expect(known.status == unknown.status)
            #expect(Set(known.json.keys) == Set(unknown.json.keys))
            for key in known.json.keys where key != "verification_id" {
                #expect("\(known.json[key]!)" == "\(unknown.json[key]!)")
            }
        }
    }

    @Test(arguments: Backend.all) func verifiedUserGetsAThirtyMinuteTokenAndAnActiveVerifiedRow(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+996 555 123 456"])
            let code = try #require(harness.sms.lastCode(to: "+996555123456"))
            let response = try await client.request(
                .post, "/auth/verify-code", json: ["phone": "00996555123456", "verification_code": code])
            #expect(response.status == .ok)
            #expect(response.json["token_type"] as? String == "Bearer")
            #expect(response.json["expires_in"] as? Int == 1800)
            let user = try #require(response.json["user"] as? [String: Any])
            #expect(user["phone_number"] as? String == "+996555123456")
            #expect(user["market"] as? String == "kg")
            #expect(user["language"] as? String == "ru")
            #expect(user["country"] as? String == "Kyrgyzstan")
            #expect(user["is_active"] as? Bool == true)
            #expect(user["is_verified"] as? Bool == true)

            let token = try #require(response.json["access_token"] as? String)
            let claims = try JWTTestSupport.payload(of: token)
            #expect(claims["user_id"] as? Int == user["id"] as? Int)
            #expect(claims["market"] as? String == "kg")
            #expect(claims["ver"] as? Int == 2)
            #expect(claims["role"] as? String == "user")
            #expect((claims["sid"] as? String)?.isEmpty == false)
            #expect((response.json["refresh_token"] as? String)?.count == 43)
            #expect(response.json["refresh_expires_in"] as? Int == 30 * 86_400)
            #expect(claims["iss"] as? String == "phoneauth")
            #expect(claims["aud"] as? String == "phoneauth-api")
            #expect(claims["jti"] is String)
            let iat = try #require(claims["iat"] as? Double)
            let exp = try #require(claims["exp"] as? Double)
            #expect(exp - iat == 1800)
            #expect(claims["phone"] == nil && claims["phone_number"] == nil)

            let userID = try #require(user["id"] as? Int64)
            let row = try await harness.sql.users().first { $0.id == userID }
            #expect(row?.isActive == true)
            #expect(row?.isVerified == true)
            #expect(row?.lastLogin == harness.clock.now)
        }
    }

    @Test(arguments: Backend.all) func usUserGetsTheUSMarketAndEnglish(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client, phone: "+1.312.555.0100")
            let profile = try await client.request(.get, "/api/v1/profile", token: token)
            #expect(profile.json["market"] as? String == "us")
            #expect(profile.json["language"] as? String == "en")
            #expect(profile.json["country"] as? String == "United States")
        }
    }

    @Test(arguments: Backend.all) func differentSpellingsOfOnePhoneAreOneUser(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let first = try await harness.signIn(client, phone: "+996 555 123 456")
            let second = try await harness.signIn(client, phone: "00996-555-123-456")
            let a = try await client.request(.get, "/api/v1/profile", token: first)
            let b = try await client.request(.get, "/api/v1/profile", token: second)
            #expect(a.json["id"] as? Int == b.json["id"] as? Int)
            let count = try await harness.sql.users().count
            #expect(count == 1)
        }
    }

    @Test(arguments: Backend.all) func logoutKillsEveryEarlierTokenEvenAfterTheNextLogin(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let first = try await harness.signIn(client)
            harness.clock.advance(by: 1)
            let second = try await harness.signIn(client)
            #expect(try await client.request(.get, "/api/v1/profile", token: first).status == .ok)

            let logout = try await client.request(.post, "/auth/logout", token: second)
            #expect(logout.status == .noContent)
            for token in [first, second] {
                let response = try await client.request(.get, "/api/v1/profile", token: token)
                #expect(response.status == .unauthorized)
                #expect(response.errorCode == "unauthorized")
            }
            let row = try await harness.sql.users().first
            #expect(row?.isActive == false)

            harness.clock.advance(by: 1)
            let fresh = try await harness.signIn(client)
            #expect(try await client.request(.get, "/api/v1/profile", token: fresh).status == .ok)
            #expect(try await client.request(.get, "/api/v1/profile", token: first).status == .unauthorized)
            #expect(try await client.request(.get, "/api/v1/profile", token: second).status == .unauthorized)
        }
    }

    @Test(arguments: Backend.all) func loginRightAfterLogoutInTheSameMillisecondStillWorks(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let old = try await harness.signIn(client)
            #expect(try await client.request(.post, "/auth/logout", token: old).status == .noContent)
            let fresh = try await harness.signIn(client)  // the clock has not moved
            #expect(try await client.request(.get, "/api/v1/profile", token: fresh).status == .ok)
            #expect(try await client.request(.get, "/api/v1/profile", token: old).status == .unauthorized)
        }
    }

    @Test(arguments: Backend.all) func deactivatingAUserInTheDatabaseRejectsTheirTokenOnTheNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            _ = try await harness.sql.execute("UPDATE users SET is_active = FALSE")
            #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .unauthorized)
        }
    }

    @Test(arguments: Backend.all) func theWholeFlowWorksOverARealSocket(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.live) { client in
            let token = try await harness.signIn(client, phone: "+996700111222")
            let me = try await client.request(.get, "/api/user/me", token: token)
            #expect(me.status == .ok)
            #expect(me.json["phone_number"] as? String == "+996700111222")
            #expect(me.headers[.init("X-Request-ID")!] != nil)
        }
    }
}
