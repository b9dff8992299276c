import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Every operator action, through the admin API or the CLI, lands in the audit log: who, what, on whom, when, from
/// which address and through which door; read newest first, filtered by operator and by target.
@Suite struct AuditLogTests {
    static let xff = HTTPField.Name("X-Forwarded-For")!

    @Test(arguments: Backend.all)
    func everyAdminActionIsRecordedWithItsOperatorAndAddress(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { $0.limits.trustedProxies = ["127.0.0.1"] }
        try await harness.test(.live) { (client) async throws -> Void in
            let admin = try await harness.signInAdmin(client)
            let user = try await harness.signInGrant(client, phone: "+996555123456")
            let from: HTTPFields = [Self.xff: "203.0.113.9"]
            func act(_ method: HTTPRequest.Method, _ path: String, _ json: [String: Any]? = nil) async throws -> TestResponse {
                try await client.request(method, path, json: json, token: admin, headers: from)
            }
            let sessions = try await act(.get, "/admin/users/2/sessions")
            let session = try #require((sessions.json["sessions"] as? [[String: Any]])?.first?["id"] as? String)
            #expect(try await act(.delete, "/admin/users/2/sessions/\(session)").status == .noContent)
            #expect(try await act(.delete, "/admin/users/2/sessions/\(session)").status == .notFound)
            // The revoked session's token is refused on its next request.
            #expect(try await client.request(.get, "/api/v1/profile", token: user.access).status == .unauthorized)
            #expect(try await act(.post, "/admin/users/2/disable", ["reason": "chargebacks"]).status == .ok)
            #expect(try await act(.post, "/admin/users/2/enable").status == .ok)
            #expect(try await act(.patch, "/admin/users/2", ["role": "admin"]).status == .ok)
            #expect(try await act(.post, "/admin/markets/kg/force-logout").status == .ok)
            #expect(try await act(.put, "/admin/ranges/+996555/block", ["reason": "pumping"]).status == .ok)
            #expect(try await act(.delete, "/admin/ranges/+996555/block").status == .noContent)

            let log = try await act(.get, "/admin/audit")
            #expect(log.status == .ok)
            let entries = try #require(log.json["entries"] as? [[String: Any]])
            #expect(entries.map { $0["action"] as? String } == [
                "range.unblock", "range.block", "force_logout", "user.promote", "user.unban", "user.ban", "session.revoke",
            ])
            #expect(entries.map { $0["target"] as? String } == [
                "range:+996555", "range:+996555", "market:kg", "user:2", "user:2", "user:2", "user:2",
            ])
            #expect(entries.allSatisfy { entry in
                entry["operator_id"] as? Int == 1 && entry["address"] as? String == "203.0.113.9" && entry["via"] as? String == "api"
            })
            #expect(entries[5]["detail"] as? String == "chargebacks")
            #expect(entries[6]["detail"] as? String == "session \(session)")
            #expect(entries[2]["detail"] as? String == "0 session(s) ended")
            #expect((entries[0]["at"] as? String)?.hasSuffix("Z") == true)

            // Filtered by target, by operator, and paged.
            let forUser = try #require(try await act(.get, "/admin/audit?target=user:2").json["entries"] as? [[String: Any]])
            #expect(forUser.count == 4)
            #expect(try #require(try await act(.get, "/admin/audit?operator=2").json["entries"] as? [[String: Any]]).isEmpty)
            let page = try #require(try await act(.get, "/admin/audit?limit=2").json["entries"] as? [[String: Any]])
            let next = try #require(try await act(.get, "/admin/audit?limit=2&before=\(page[1]["id"] as! Int)").json["entries"] as? [[String: Any]])
            #expect(next.map { $0["action"] as? String } == ["force_logout", "user.promote"])
            for bad in ["limit=0", "limit=501", "operator=abc", "before=-1"] {
                #expect(try await act(.get, "/admin/audit?\(bad)").status == .badRequest, "\(bad)")
            }
            // Only admins read it.
            let plain = try await harness.signIn(client, phone: "+13125550002")
            #expect(try await client.request(.get, "/admin/audit", token: plain).status == .forbidden)
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM audit_log") == 7)
    }

    @Test(arguments: Backend.all)
    func theCLIsActionsAreRecordedAsTheCLIs(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in _ = try await harness.signIn(client, phone: "+996555123456") }
        let database = ["--database", harness.databaseURL]
        for command in [
            ["admin", "promote", "+996555123456"], ["admin", "disable", "--phone", "+996555123456", "--reason", "fraud"],
            ["admin", "enable", "--user", "1"], ["admin", "force-logout", "--all"],
            ["admin", "block-range", "+1312", "--reason", "pumping"],
        ] {
            let run = try await CLIRunner.run(command + database, binary: "PhoneAuthServer")
            #expect(run.status == 0, "\(command): \(run.stderr)")
        }
        #expect(try await harness.sql.strings("SELECT action FROM audit_log ORDER BY id") == [
            "user.promote", "user.ban", "user.unban", "force_logout", "range.block",
        ])
        let cli = try await harness.sql.strings("SELECT via FROM audit_log WHERE operator_id IS NULL AND address IS NULL")
        #expect(cli == Array(repeating: "cli", count: 5))
        let targets = try await harness.sql.strings("SELECT target FROM audit_log ORDER BY id")
        #expect(targets == ["user:1", "user:1", "user:1", "everyone", "range:+1312"])
    }
}
