import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Deleting an account: only after a fresh sign-in; then at once every session ends, the profile and addresses are
/// erased, every row that named the number or the networks it used keeps a keyed digest instead, and the number
/// waits out its quarantine before a new account may take it.
@Suite struct AccountDeletionTests {
    static let phone = "+13125550147"
    static let home = ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]

    /// Every text column of every table, as `table.column`, on either backend.
    static func textColumns(_ harness: TestHarness, backend: Backend) async throws -> [String] {
        switch backend {
        case .sqlite:
            try await harness.sql.strings(
                """
                SELECT m.name || '.' || p.name FROM sqlite_master AS m JOIN pragma_table_info(m.name) AS p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'grdb_%' AND p.type IN ('TEXT', 'JSON', '')
                """)
        case .postgres:
            try await harness.sql.strings(
                """
                SELECT table_name || '.' || column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations'
                """)
        }
    }

    /// The `table.column`s where `needle` still appears.
    static func rowsNaming(_ needle: String, _ harness: TestHarness, backend: Backend) async throws -> [String] {
        var found: [String] = []
        for column in try await textColumns(harness, backend: backend) {
            let parts = column.split(separator: ".").map(String.init)
            let count = try await harness.sql.int("SELECT COUNT(*) FROM \(parts[0]) WHERE \(parts[1]) LIKE '%\(needle)%'")
            if count > 0 { found.append(column) }
        }
        return found
    }

    @Test(arguments: Backend.all)
    func aUserDeletesTheirAccountAfterAFreshSignInAndNothingNamesThemAfter(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            // An admin bans and unbans the user with a reason that names them (free text is personal data too).
            let admin = try await harness.signInAdmin(client)
            let first = try await harness.signInGrant(client, phone: Self.phone)
            let id = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone }?.id)
            #expect(
                try await client.request(.post, "/admin/users/\(id)/disable", json: ["reason": "called from 3125550147"], token: admin).status == .ok)
            #expect(try await client.request(.post, "/admin/users/\(id)/enable", token: admin).status == .ok)
            let grant = try await harness.signInGrant(client, phone: Self.phone)
            #expect(try await client.request(.patch, "/api/v1/profile", json: ["full_name": "Ada Example"], token: grant.access).status == .ok)
            #expect(try await client.request(.post, "/api/v1/profile/addresses", json: Self.home, token: grant.access).status == .created)
            _ = first

            // Five minutes on, the session is no longer fresh enough to delete the account.
            harness.clock.advance(by: 301)
            let stale = try await client.request(.delete, "/api/v1/account", token: grant.access)
            #expect(stale.status == .forbidden)
            #expect(stale.errorCode == "step_up_required")
            #expect(try await harness.sql.users().first { $0.id == id }?.deletedAt == nil)

            // A fresh sign-in by code is the step-up.
            let fresh = try await harness.signInGrant(client, phone: Self.phone)
            let deleted = try await client.request(.delete, "/api/v1/account", token: fresh.access)
            #expect(deleted.status == .noContent)

            // Every token and refresh token of the user fails on its next request.
            for token in [grant.access, fresh.access] {
                let refused = try await client.request(.get, "/api/v1/profile", token: token)
                #expect(refused.status == .unauthorized)
                #expect(refused.errorCode == "account_deleted")
            }
            #expect(try await client.request(.post, "/auth/refresh", json: ["refresh_token": fresh.refresh]).status == .unauthorized)
            // An operator deleting it again changes nothing and answers the tombstone.
            let again = try await client.request(.post, "/admin/users/\(id)/delete", json: ["reason": "duplicate request"], token: admin)
            #expect(again.status == .ok)
            #expect(again.json["deleted_at"] is String)
        }
        // The tombstone keeps the id and nothing else of the person.
        let row = try #require(try await harness.sql.users().first { $0.id != nil && $0.phoneNumber.hasPrefix("deleted:") })
        #expect(row.phoneNumber == "deleted:\(row.id!)")
        #expect(row.fullName == nil)
        #expect(!row.isActive)
        #expect(row.deletedAt != nil)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM addresses WHERE user_id = \(row.id!)") == 0)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM user_sessions WHERE user_id = \(row.id!)") == 0)
        // Row by row, no table names the number anywhere, in any form; the logs keep digests.
        #expect(try await Self.rowsNaming("3125550147", harness, backend: backend) == [])
        #expect(try await Self.rowsNaming("Ada Example", harness, backend: backend) == [])
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE phone_number LIKE '#%'") == 3)  // the user's three sign-ins
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM released_numbers") == 1)
        // The audit log keeps the user's id: the ban, the lift and the deletion, the ban's reason gone.
        let audit = try await harness.sql.strings(
            "SELECT action || ':' || COALESCE(detail, '-') FROM audit_log WHERE target = 'user:\(row.id!)' ORDER BY id")
        #expect(audit == ["user.ban:-", "user.unban:-", "user.delete:-"])
        #expect(try await harness.sql.strings("SELECT phone_number FROM phone_history WHERE user_id = \(row.id!)").allSatisfy { $0.hasPrefix("#") })
    }

    @Test(arguments: Backend.all)
    func theNumberSignsUpANewAccountOnlyAfterItsQuarantine(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let grant = try await harness.signInGrant(client, phone: Self.phone)
            let oldID = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone }?.id)
            #expect(try await client.request(.delete, "/api/v1/account", token: grant.access).status == .noContent)

            // Within the 30 days the code proves the number, and no account is made (the code is spent).
            harness.clock.advance(by: 29 * 86_400)
            let pending = try await harness.sendCode(client, phone: Self.phone)
            let early = try await client.request(
                .post, "/auth/verify-code", json: ["verification_id": pending.id, "verification_code": pending.code])
            #expect(early.status == .forbidden)
            #expect(early.errorCode == "number_quarantined")
            let wait = try #require(early.headers[.retryAfter].flatMap { Int($0) })
            #expect(wait > 86_000 && wait <= 86_400)
            #expect(try await harness.sql.users().filter { $0.phoneNumber == Self.phone }.isEmpty)
            #expect(
                try await client.request(
                    .post, "/auth/verify-code", json: ["verification_id": pending.id, "verification_code": pending.code]
                ).status == .badRequest)

            // After it, housekeeping forgets the number's digest, and a sign-in is a new user, with a history of its own.
            harness.clock.advance(by: 2 * 86_400)
            let purged = try await Storage.with(harness.config.database, logger: TestPostgres.logger) { storage in
                try await storage.housekeeping.purge(now: harness.clock.now, endedSessions: 30 * 86_400)
            }
            #expect(purged.releasedNumbers == 1)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM released_numbers") == 0)
            let newcomer = try await harness.signInGrant(client, phone: Self.phone)
            let newUser = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone })
            #expect(newUser.id != oldID)
            let profile = try await client.request(.get, "/api/v1/profile", token: newcomer.access)
            #expect(profile.status == .ok)
            #expect(profile.json["full_name"] is NSNull || profile.json["full_name"] == nil)
            #expect(try await harness.sql.strings("SELECT phone_number FROM phone_history WHERE user_id = \(newUser.id!)") == [Self.phone])
        }
    }

    /// An operator deletes a user through the CLI (another process): the server's cache forgets the user, so the
    /// user's token fails on its very next request, and the deletion is in the audit log with its reason.
    @Test(arguments: Backend.all)
    func anOperatorDeletesAUserFromTheCLIAndTheTokenFailsOnTheNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.live) { client in
            let token = try await harness.signIn(client, phone: Self.phone)
            for _ in 0..<3 { #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .ok) }
            #expect(harness.authCache.stats.hits >= 2)
            let pepper = String(decoding: harness.config.pepper, as: UTF8.self)
            let noReason = try await CLIRunner.run(
                ["admin", "delete-user", "--phone", Self.phone, "--database", harness.databaseURL, "--pepper", pepper], binary: "PhoneAuthServer")
            #expect(noReason.status == 64)
            let cli = try await CLIRunner.run(
                [
                    "admin", "delete-user", "--phone", Self.phone, "--reason", "support ticket 81", "--database", harness.databaseURL, "--pepper",
                    pepper,
                ],
                binary: "PhoneAuthServer")
            #expect(cli.status == 0, "\(cli.stderr)")
            #expect(cli.stdout.contains("is deleted"))
            if backend == .postgres {  // the CLI's NOTIFY reaches this server's listener asynchronously
                for _ in 0..<400 where harness.authCache.stats.invalidations == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            let refused = try await client.request(.get, "/api/v1/profile", token: token)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "account_deleted")
        }
        #expect(
            try await harness.sql.strings("SELECT action || ':' || COALESCE(detail, '-') || ':' || via FROM audit_log") == [
                "user.delete:support ticket 81:cli"
            ])
    }

    @Test func anOperatorMustGiveAReasonAndAnUnknownUserIsNotFound() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let admin = try await harness.signInAdmin(client)
            _ = try await harness.signIn(client, phone: Self.phone)
            let id = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone }?.id)
            let bare = try await client.request(.post, "/admin/users/\(id)/delete", token: admin)
            #expect(bare.status == .badRequest)
            #expect(bare.errorCode == "validation_failed")
            #expect(try await client.request(.post, "/admin/users/99999/delete", json: ["reason": "x"], token: admin).status == .notFound)
            // An operator's own account goes by the step-up path only.
            let adminID = try #require(try await harness.sql.users().first { $0.role == "admin" }?.id)
            let own = try await client.request(.post, "/admin/users/\(adminID)/delete", json: ["reason": "leaving"], token: admin)
            #expect(own.status == .forbidden)
            #expect(try await harness.sql.users().first { $0.id == adminID }?.deletedAt == nil)
            let done = try await client.request(.post, "/admin/users/\(id)/delete", json: ["reason": "asked by email"], token: admin)
            #expect(done.status == .ok)
            #expect((done.json["user"] as? [String: Any])?["phone_number"] as? String == "deleted:\(id)")
        }
    }

    /// An account that moved numbers: its logs of the old number, up to the move, go digested too; a code asked for
    /// the old number since (someone else trying it) is not the account's and stays.
    @Test(arguments: Backend.all)
    func erasureDigestsTheLogsOfEveryNumberTheAccountHad(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let moved = "+13125550148"
        try await harness.test { client in
            let grant = try await harness.signInGrant(client, phone: Self.phone)
            let started = try await PhoneChangeTests.start(client, to: moved, token: grant.access)
            let code = try #require(harness.sms.lastCode(to: moved))
            #expect(try await PhoneChangeTests.confirm(client, started, code: code, token: grant.access).status == .ok)
            harness.clock.advance(by: 120)
            _ = try await harness.sendCode(client, phone: Self.phone)  // a stranger tries the old number
            let fresh = try await harness.signInGrant(client, phone: moved)
            #expect(try await client.request(.delete, "/api/v1/account", token: fresh.access).status == .noContent)
        }
        #expect(try await Self.rowsNaming("3125550148", harness, backend: backend) == [])
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE phone_number = '\(Self.phone)'") == 1)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE phone_number LIKE '#%'") == 3)
        // The number it holds goes into quarantine; the one it left is there already, from the move.
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM released_numbers") == 2)
    }
}
