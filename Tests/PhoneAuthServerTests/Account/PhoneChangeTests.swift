import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Moving an account to another number: a code to the new number, entered by the same session within its lifetime;
/// the old number is told and waits out its quarantine; the other sessions end; one change a week.
@Suite struct PhoneChangeTests {
    static let old = "+13125550181"
    static let new = "+13125550182"

    static func start(_ client: some TestClientProtocol, to phone: String, token: String) async throws -> TestResponse {
        try await client.request(.post, "/api/v1/account/phone", json: ["phone": phone], token: token)
    }

    static func confirm(_ client: some TestClientProtocol, _ started: TestResponse, code: String, token: String) async throws -> TestResponse {
        try await client.request(
            .post, "/api/v1/account/phone/verify",
            json: ["verification_id": started.json["verification_id"] as? String ?? "", "verification_code": code], token: token)
    }

    @Test(arguments: Backend.all)
    func aUserMovesToANewNumberWithTheCodeSentToIt(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let phone = try await harness.signInGrant(client, phone: Self.old)
            let tablet = try await harness.signInGrant(client, phone: Self.old)
            let id = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.old }?.id)

            let started = try await Self.start(client, to: Self.new, token: phone.access)
            #expect(started.status == .accepted)
            #expect(started.json["channel"] as? String == "sms")
            let code = try #require(harness.sms.lastCode(to: Self.new))
            let wrong = code == "000000" ? "111111" : "000000"
            let missed = try await Self.confirm(client, started, code: wrong, token: phone.access)
            #expect(missed.status == .badRequest)
            #expect(missed.errorCode == "invalid_code")
            // The change code is not a sign-in code for the new number.
            let signIn = try await client.request(
                .post, "/auth/verify-code", json: ["verification_id": started.json["verification_id"] as! String, "verification_code": code])
            #expect(signIn.status == .badRequest)

            let moved = try await Self.confirm(client, started, code: code, token: phone.access)
            #expect(moved.status == .ok)
            #expect(moved.json["phone_number"] as? String == Self.new)
            #expect(moved.json["id"] as? Int == Int(id))
            // This session goes on; the others ended with the change.
            #expect(try await client.request(.get, "/api/v1/profile", token: phone.access).status == .ok)
            #expect(try await client.request(.get, "/api/v1/profile", token: tablet.access).status == .unauthorized)
            // The old number is told, with no link in the text.
            let notice = try #require(harness.sms.sent.last { $0.to.e164 == Self.old })
            #expect(notice.body.contains("moved to another phone number"))
            #expect(!notice.body.contains("http"))
            // The new number signs in to the same account; the old one is in quarantine.
            _ = try await harness.signInGrant(client, phone: Self.new)
            #expect(try await harness.sql.users().filter { $0.id == id }.map(\.phoneNumber) == [Self.new])
            let pending = try await harness.sendCode(client, phone: Self.old)
            let taken = try await client.request(
                .post, "/auth/verify-code", json: ["verification_id": pending.id, "verification_code": pending.code])
            #expect(taken.status == .forbidden)
            #expect(taken.errorCode == "number_quarantined")
        }
        let history = try await harness.sql.strings(
            """
            SELECT phone_number || ':' || COALESCE(reason, '-') || ':' || CASE WHEN until_at IS NULL THEN 'now' ELSE 'ended' END
            FROM phone_history ORDER BY id
            """)
        #expect(history == ["\(Self.old):changed:ended", "\(Self.new):-:now"])
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM released_numbers") == 1)
        let audit = try await harness.sql.strings("SELECT action || ':' || COALESCE(detail, '-') FROM audit_log")
        #expect(audit.count == 1 && audit[0].hasPrefix("user.change_number:"))
        #expect(!audit[0].contains("3125550181"))  // masked
    }

    @Test(arguments: Backend.all)
    func onlyTheSessionThatAskedCanConfirmAndOnlyWithinTheCodesLifetime(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let phone = try await harness.signInGrant(client, phone: Self.old)
            let tablet = try await harness.signInGrant(client, phone: Self.old)
            let started = try await Self.start(client, to: Self.new, token: phone.access)
            let code = try #require(harness.sms.lastCode(to: Self.new))
            let elsewhere = try await Self.confirm(client, started, code: code, token: tablet.access)
            #expect(elsewhere.status == .badRequest)
            #expect(elsewhere.errorCode == "invalid_code")
            harness.clock.advance(by: 301)
            let late = try await Self.confirm(client, started, code: code, token: phone.access)
            #expect(late.status == .badRequest)
            #expect(try await harness.sql.users().contains { $0.phoneNumber == Self.old })
        }
    }

    /// Whether another account holds the number is not told before the code proves it; then it is 409 and nothing
    /// changes or merges.
    @Test(arguments: Backend.all)
    func aNumberHeldByAnotherAccountIsRefusedOnlyAfterItsCode(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            _ = try await harness.signInGrant(client, phone: Self.new)
            let mover = try await harness.signInGrant(client, phone: Self.old)
            let toTaken = try await Self.start(client, to: Self.new, token: mover.access)
            let toFree = try await Self.start(client, to: "+13125550183", token: mover.access)
            #expect(toTaken.status == toFree.status)
            #expect(Set(toTaken.json.keys) == Set(toFree.json.keys))
            let code = try #require(harness.sms.lastCode(to: Self.new))
            let refused = try await Self.confirm(client, toTaken, code: code, token: mover.access)
            #expect(refused.status == .conflict)
            #expect(refused.errorCode == "phone_taken")
            // Burnt: the same code again is just a wrong code.
            #expect(try await Self.confirm(client, toTaken, code: code, token: mover.access).status == .badRequest)
            let users = try await harness.sql.users()
            #expect(Set(users.map(\.phoneNumber)) == [Self.old, Self.new])
            #expect(try await client.request(.get, "/api/v1/profile", token: mover.access).json["phone_number"] as? String == Self.old)
        }
    }

    @Test(arguments: Backend.all)
    func oneChangeAWeekAndOnlyWithinTheMarket(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let grant = try await harness.signInGrant(client, phone: Self.old)
            let same = try await Self.start(client, to: Self.old, token: grant.access)
            #expect(same.status == .badRequest)
            #expect(same.errorCode == "validation_failed")
            let abroad = try await Self.start(client, to: "+996555100001", token: grant.access)
            #expect(abroad.status == .forbidden)
            #expect(abroad.errorCode == "market_mismatch")

            let started = try await Self.start(client, to: Self.new, token: grant.access)
            #expect(
                try await Self.confirm(client, started, code: try #require(harness.sms.lastCode(to: Self.new)), token: grant.access).status == .ok)
            harness.clock.advance(by: 86_400)
            let nextDay = try await harness.signInGrant(client, phone: Self.new)
            let soon = try await Self.start(client, to: "+13125550183", token: nextDay.access)
            #expect(soon.status == .tooManyRequests)
            #expect(soon.errorCode == "phone_change_too_soon")
            let wait = try #require(soon.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait > 6 * 86_400 - 10 && wait <= 6 * 86_400)
            harness.clock.advance(by: 6 * 86_400)
            // The week is over; and the number it left may come back to it at once, quarantine or not.
            let weekLater = try await harness.signInGrant(client, phone: Self.new)
            let back = try await Self.start(client, to: Self.old, token: weekLater.access)
            #expect(back.status == .accepted)
            let returned = try await Self.confirm(client, back, code: try #require(harness.sms.lastCode(to: Self.old)), token: weekLater.access)
            #expect(returned.status == .ok)
            #expect(returned.json["phone_number"] as? String == Self.old)
        }
    }
}
