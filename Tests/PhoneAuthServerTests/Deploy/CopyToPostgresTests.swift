import Foundation
import GRDB
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthSQLite
@testable import PhoneAuthServer

/// Outgrowing one machine without losing anyone: a SQLite deployment, every table filled by the real server, is
/// copied into PostgreSQL by `PhoneAuthServer copy-to-postgres` while that server still runs; a server on PostgreSQL
/// with the same secrets then serves the same people: their tokens, refresh tokens, pending codes, profiles and
/// addresses, new users numbered after the copied ones. The command refuses a target that holds rows.
@Suite struct CopyToPostgresTests {
    static let backends = Backend.all.filter { $0 == .postgres }

    @Test(arguments: backends)
    func aLiveSQLiteDeploymentMovesToPostgreSQLWithEveryoneStillSignedIn(backend: Backend) async throws {
        let target = try await TestHarness.make(backend)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-copy-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sqlite = folder.appendingPathComponent("phoneauth.sqlite").path
        let receiver = WebhookReceiver()
        let fake = try await FakeOperator()
        try await fake.run { base in
            try await receiver.run { webhook in
                // SMS gets a budget of its own, so the channels' budget table is filled too; an operator, so a silent
                // sign-in can be under way.
                let operators = folder.appendingPathComponent("operators.json")
                let settings = try fake.settings(base)
                let file: [String: Any] = [
                    "operators": [
                        [
                            "market": "kg", "issuer": base, "api_root": base, "client_id": FakeOperator.clientID,
                            "private_key_file": settings.privateKeyFile, "redirect_uri": fake.redirectURI, "two_legged": "jwt-bearer",
                        ]
                    ]
                ]
                try JSONSerialization.data(withJSONObject: file).write(to: operators)
                let old = try await Instance.start(
                    database: sqlite, webhook: webhook, extra: ["--channel-limit", "sms=hour:1000", "--network-operators", operators.path])
                var signedIn = (access: "", refresh: "")
                var pending = (id: "", code: "")
                try await Instance.stopping([old]) {
                    // A user with a profile and an address (created under an idempotency key).
                    signedIn = try await old.signIn(receiver, phone: "+13125550101")
                    #expect(try await old.request("PATCH", "/api/v1/profile", json: ["full_name": "Moved"], token: signedIn.access).status == 200)
                    let address = ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]
                    let created = try await old.request(
                        "POST", "/api/v1/profile/addresses", json: address, token: signedIn.access, headers: ["Idempotency-Key: copy-test-0001"])
                    #expect(created.status == 201)
                    // An account deleted by its user: a tombstone, digests in the logs, its number in quarantine.
                    let leaving = try await old.signIn(receiver, phone: "+13125550109")
                    #expect(try await old.request("DELETE", "/api/v1/account", token: leaving.access).status == 204)
                    // A code sent and not yet entered, after one wrong guess.
                    let sent = try await old.request("POST", "/auth/send-code", json: ["phone": "+13125550102"])
                    pending = (try #require(sent.json["verification_id"] as? String), try #require(receiver.lastCode(to: "+13125550102")))
                    let wrong = pending.code == "000000" ? "111111" : "000000"
                    #expect(
                        try await old.request("POST", "/auth/verify-code", json: ["verification_id": pending.id, "verification_code": wrong]).status
                            == 400)
                    // A new range past its allowance of unverified sends: the fourth is challenged, and pays.
                    for index in 1...3 {
                        #expect(try await old.request("POST", "/auth/send-code", json: ["phone": "+1415555010\(index)"]).status == 202)
                    }
                    let challenged = try await old.request("POST", "/auth/send-code", json: ["phone": "+14155550104"])
                    #expect(challenged.status == 428)
                    let detail = try #require(challenged.json["error"] as? [String: any Sendable])
                    let challenge = try #require(detail["challenge"] as? String)
                    let difficulty = try #require(detail["difficulty"] as? Int)
                    let solution = ProofOfWork.solve(token: challenge, difficulty: difficulty)
                    let paid = try await old.request(
                        "POST", "/auth/send-code", json: ["phone": "+14155550104", "challenge": challenge, "solution": solution])
                    #expect(paid.status == 202)
                    // A silent sign-in under way: its flow waits for the operator's redirect.
                    let flow = try await old.request(
                        "POST", "/auth/network/start",
                        json: ["phone": "+996555100031", "code_challenge": SilentSignIn.challenge(of: String(repeating: "v", count: 43))])
                    #expect(flow.json["method"] as? String == "network", "\(flow.json)")
                    // An operator's block (and the audit log's lines for it) and a market's force-logout cutoff.
                    let block = try await CLIRunner.run(
                        ["admin", "block-range", "+1646", "--reason", "pumping", "--database", sqlite], binary: "PhoneAuthServer")
                    #expect(block.status == 0, "\(block.stderr)")
                    let cutoff = try await CLIRunner.run(
                        ["admin", "force-logout", "--market", "kg", "--database", sqlite], binary: "PhoneAuthServer")
                    #expect(cutoff.status == 0, "\(cutoff.stderr)")
                    // A webhook endpoint (its deliveries to a closed port fail and are retried) and a dead letter it had.
                    let hook = try await CLIRunner.run(
                        ["admin", "webhooks", "add", "--url", "http://127.0.0.1:1/hook", "--events", "*", "--database", sqlite],
                        binary: "PhoneAuthServer")
                    #expect(hook.status == 0, "\(hook.stderr)")
                    try await SQLiteDatabase.open(path: sqlite).writer.write { db in
                        try db.execute(
                            sql: """
                                INSERT INTO webhook_dead_letters (endpoint_id, event_id, type, body, attempts, last_error, failed_at)
                                VALUES (1, 1, 'user.signed_in', '{}', 3, 'answered 500', ?)
                                """, arguments: [Date()])
                    }

                    // The server writes its activity counters every 5 seconds.
                    for _ in 0..<100 where try await Self.sqliteCount(sqlite, "activity_counts") == 0 {
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    let tables = try await Self.sqliteTables(sqlite)
                    #expect(tables.count == 24, "\(tables)")
                    for table in tables {
                        #expect(try await Self.sqliteCount(sqlite, table) > 0, "\(table) is empty: the test fills every table")
                    }

                    // Copied while the server runs.
                    let copy = try await CLIRunner.run(
                        ["copy-to-postgres", "--database", sqlite, "--to", target.databaseURL], binary: "PhoneAuthServer")
                    #expect(copy.status == 0, "\(copy.stderr)")
                    #expect(copy.stdout.contains("every count and checksum matches"), "\(copy.stdout)")
                    for table in tables {
                        #expect(copy.stdout.contains("\(table) "), "\(table) is not in the report")
                        #expect(try await target.sql.int("SELECT COUNT(*) FROM \(table)") == (try await Self.sqliteCount(sqlite, table)), "\(table)")
                    }
                    #expect(!copy.stdout.contains("+1312555"), "the report names no phone number")

                    // A second copy into the now filled database is refused, and changes nothing.
                    let again = try await CLIRunner.run(
                        ["copy-to-postgres", "--database", sqlite, "--to", target.databaseURL], binary: "PhoneAuthServer")
                    #expect(again.status == 1)
                    #expect(again.stderr.contains("already holds rows (") && again.stderr.contains("users"), "\(again.stderr)")
                    #expect(try await target.sql.int("SELECT COUNT(*) FROM users") == (try await Self.sqliteCount(sqlite, "users")))
                }

                // The same secrets on PostgreSQL: nobody notices the move.
                let new = try await Instance.start(database: target.databaseURL, webhook: webhook)
                try await Instance.stopping([new]) {
                    let profile = try await new.request("GET", "/api/v1/profile", token: signedIn.access)
                    #expect(profile.status == 200)
                    #expect(profile.json["full_name"] as? String == "Moved")
                    let addresses = try await new.request("GET", "/api/v1/profile/addresses", token: signedIn.access)
                    #expect((addresses.json["addresses"] as? [any Sendable])?.count == 1, "\(addresses.json)")
                    #expect(try await new.request("POST", "/auth/refresh", json: ["refresh_token": signedIn.refresh]).status == 200)
                    // The pending code still works, once.
                    let verified = try await new.request(
                        "POST", "/auth/verify-code", json: ["verification_id": pending.id, "verification_code": pending.code])
                    #expect(verified.status == 200)
                    // The operator's block holds; the next user is numbered after the copied ones.
                    #expect(try await new.request("POST", "/auth/send-code", json: ["phone": "+16465550100"]).errorCode == "phone_not_allowed")
                    _ = try await new.signIn(receiver, phone: "+13125550199")
                    let ids = try await target.sql.strings("SELECT id::text FROM users ORDER BY id").compactMap { Int($0) }
                    #expect(ids.count == 4 && ids[3] > ids[2], "\(ids)")  // the deleted user's tombstone keeps its id
                }
            }
        }
    }

    static func sqliteTables(_ path: String) async throws -> [String] {
        let database = try await SQLiteDatabase.open(path: path)
        return try await database.writer.read { db in
            try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
        }
    }

    static func sqliteCount(_ path: String, _ table: String) async throws -> Int {
        let database = try await SQLiteDatabase.open(path: path)
        return try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }
}
