import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// A user's numbers over time on the console's user page and the admin API, and deleting a user from the console.
@Suite struct ConsoleAccountTests {
    @Test(arguments: Backend.all)
    func theUserPageShowsEveryNumberAndAnOperatorDeletesTheAccountWithAReason(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (console, member) = try await ConsoleTests.operatorAndMember(harness, client)
            // The member moves to another number.
            let started = try await PhoneChangeTests.start(client, to: "+996555123457", token: member.access)
            #expect(started.status == .accepted)
            let code = try #require(harness.sms.lastCode(to: "+996555123457"))
            #expect(try await PhoneChangeTests.confirm(client, started, code: code, token: member.access).status == .ok)

            let page = try await console.get("/console/users/2")
            #expect(page.text.contains("+996555123456") && page.text.contains("+996555123457"))
            #expect(page.text.contains(">changed<"))
            let admin = try await harness.signIn(client, phone: ConsoleTests.admin)
            let numbers = try await client.request(.get, "/admin/users/2/numbers", token: admin)
            #expect(numbers.status == .ok)
            let listed = try #require(numbers.json["numbers"] as? [[String: Any]])
            #expect(listed.map { $0["phone_number"] as? String } == ["+996555123456", "+996555123457"])
            #expect(listed.map { $0["reason"] as? String } == ["changed", nil])

            // Deleting needs a reason; one's own account is not deleted from here.
            #expect(try await console.post("/console/users/2/delete", ["reason": ""]).status == .badRequest)
            #expect(try await console.post("/console/users/1/delete", ["reason": "leaving"]).status == .forbidden)
            let deleted = try await console.post("/console/users/2/delete", ["reason": "asked by email"])
            #expect(deleted.location == "/console/users/2?notice=deleted")
            #expect(try await client.request(.get, "/api/v1/profile", token: member.access).errorCode == "account_deleted")
            let after = try await console.get("/console/users/2?notice=deleted")
            #expect(after.text.contains("The account is deleted"))
            #expect(after.text.contains("(erased)"))
            #expect(!after.text.contains("+996555123457"))
            #expect(!after.text.contains("Delete account"))
            let erased = try await client.request(.get, "/admin/users/2/numbers", token: admin)
            #expect((erased.json["numbers"] as? [[String: Any]])?.allSatisfy { $0["phone_number"] is NSNull } == true)
        }
        let audit = try await harness.sql.strings(
            "SELECT action || ' ' || via || ' ' || COALESCE(detail, '-') FROM audit_log WHERE target = 'user:2' ORDER BY id")
        #expect(audit.last == "user.delete console asked by email")
        #expect(audit.first?.hasPrefix("user.change_number api") == true)
    }

    /// A detached account's page says so and offers to give the number back; the account that signed in with the
    /// number since is detached in turn, and offered the same.
    @Test(arguments: Backend.all)
    func anOperatorGivesADetachedAccountItsNumberBackFromItsPage(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let phone = "+13125550193"
            _ = try await harness.signIn(client, phone: phone)
            let oldID = try #require(try await harness.sql.users().first { $0.phoneNumber == phone }?.id)
            harness.clock.advance(by: 181 * 86_400)
            _ = try await harness.signIn(client, phone: phone)
            let newID = try #require(try await harness.sql.users().first { $0.phoneNumber == phone }?.id)
            let (console, _) = try await ConsoleTests.operatorAndMember(harness, client)

            let page = try await console.get("/console/users/\(oldID)")
            #expect(page.text.contains("(none: detached)"))
            #expect(page.text.contains(">detached<"))
            #expect(page.text.contains("Give the number back"))
            #expect(!(try await console.get("/console/users/\(newID)")).text.contains("Give the number back"))
            let notDetached = try await console.post("/console/users/\(newID)/reattach", [:])
            #expect(notDetached.status == .notFound)
            let back = try await console.post("/console/users/\(oldID)/reattach", ["reason": "owner showed the contract"])
            #expect(back.location == "/console/users/\(oldID)?notice=reattached")
            let after = try await console.get("/console/users/\(oldID)?notice=reattached")
            #expect(after.text.contains("The account has its number back"))
            #expect(after.text.contains(phone))
            #expect(try await console.get("/console/users/\(newID)").text.contains("Give the number back"))
        }
        #expect(
            try await harness.sql.strings("SELECT action || '|' || via || '|' || COALESCE(detail, '-') FROM audit_log") == [
                "user.reattach|console|owner showed the contract"
            ])
    }
}
