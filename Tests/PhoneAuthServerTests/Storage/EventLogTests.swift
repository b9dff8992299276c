import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The event log (`auth_events`) records what webhooks announce, in the transaction of the change, with ids and the
/// market and never a code, a token or a number.
@Suite struct EventLogTests {
    @Test(arguments: Backend.all)
    func accountChangesAreLoggedWithIdsAndMarketOnly(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let admin = try await harness.signInAdmin(client, phone: "+13125550001")  // user 1
            let user = try await harness.signIn(client, phone: "+996555100081")  // user 2
            _ = try await harness.signIn(client, phone: "+996555100081")  // again: no new account
            #expect(try await client.request(.post, "/admin/users/2/disable", token: admin).status == .ok)
            #expect(try await client.request(.post, "/admin/users/2/enable", token: admin).status == .ok)
            #expect(try await client.request(.put, "/admin/ranges/+996555/block", json: ["reason": "pumping"], token: admin).status == .ok)
            _ = user
            // An account moving to another number.
            let mover = try await harness.signIn(client, phone: "+13125550183")
            let started = try await PhoneChangeTests.start(client, to: "+13125550184", token: mover)
            let code = try #require(harness.sms.lastCode(to: "+13125550184"))
            #expect(try await PhoneChangeTests.confirm(client, started, code: code, token: mover).status == .ok)

            // (PostgreSQL's ids may skip: an upsert draws from the sequence too.)
            let moverID = try #require(try await harness.sql.users().first { $0.phoneNumber == "+13125550184" }?.id)
            let rows = try await harness.sql.strings(
                """
                SELECT type || ' ' || COALESCE(CAST(user_id AS TEXT), '-') || ' ' || COALESCE(market, '-') || ' '
                || CASE WHEN session_id IS NULL THEN '-' ELSE 'sid' END FROM auth_events ORDER BY id
                """)
            #expect(
                rows == [
                    "user.created 1 us -", "user.signed_in 1 us sid", "user.created 2 kg -", "user.signed_in 2 kg sid", "user.signed_in 2 kg sid",
                    "user.banned 2 - -", "session.ended 2 - sid", "session.ended 2 - sid", "user.unbanned 2 - -", "range.blocked - - -",
                    "user.created \(moverID) us -", "user.signed_in \(moverID) us sid", "user.phone_changed \(moverID) us -",
                ])
            let details = try await harness.sql.strings("SELECT data FROM auth_events WHERE type = 'range.blocked'")
            let json = try #require(details.first.flatMap { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] })
            #expect(json["prefix"] as? String == "+996555")
            #expect(json["reason"] as? String == "pumping")
            #expect(json["automatic"] as? Bool == false)
            // No number, whole or in part, beyond the range's own prefix.
            let everything = try await harness.sql.strings("SELECT COALESCE(data, '') || COALESCE(session_id, '') FROM auth_events")
            #expect(!everything.contains { $0.contains("+9965551") || $0.contains("3125550001") || $0.contains("312555018") })
        }
    }
}
