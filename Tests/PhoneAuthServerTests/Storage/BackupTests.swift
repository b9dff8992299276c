import Foundation
import GRDB
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `PhoneAuthServer backup PATH` copies a SQLite database while the server writes to it: the copy is consistent,
/// private, and a server started on it has the users and sessions of the original.
@Suite struct BackupTests {
    @Test func aBackupTakenDuringWritesIsConsistentAndServesTheSameUsers() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let copy = folder.appendingPathComponent("copy.sqlite").path
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: database, webhook: webhook)
            defer { Task { await server.stop() } }
            var issued: [String] = []
            for index in 0..<5 { issued.append(try await server.signIn(receiver, phone: "+1312555020\(index)").access) }
            let tokens = issued
            // Profile writes go on while the copy is taken.
            let writer = Task {
                for round in 0..<40 {
                    _ = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "R\(round)"], token: tokens[round % 5])
                }
            }
            let status = await Spawn.run([CLIRunner.binary("PhoneAuthServer").path, "backup", "--database", database, copy])
            try await writer.value
            #expect(status == 0)
            let mode = try FileManager.default.attributesOfItem(atPath: copy)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let queue = try DatabaseQueue(path: copy)
            let (check, users, sessions) = try await queue.read { db in
                (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users"),
                 try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user_sessions"))
            }
            #expect(check == "ok")
            #expect(users == 5)
            #expect(sessions == 5)
            try queue.close()
            // A server on the copy accepts the tokens of the original (same secrets, same sessions).
            let restored = try await Instance.start(database: copy, webhook: webhook)
            #expect(try await restored.request("GET", "/api/v1/profile", token: tokens[0]).status == 200)
            await restored.stop()
            await server.stop()
        }
        // An existing file is never overwritten; PostgreSQL is pointed at pg_dump.
        #expect(await Spawn.run([CLIRunner.binary("PhoneAuthServer").path, "backup", "--database", database, copy]) == 1)
        #expect(!FileManager.default.fileExists(atPath: copy + ".partial"))
        let postgres = await Spawn.run([
            CLIRunner.binary("PhoneAuthServer").path, "backup", "--database", "postgres://u@127.0.0.1:1/db", folder.appendingPathComponent("pg").path,
        ])
        #expect(postgres == 2)
        #expect(await Spawn.run([CLIRunner.binary("PhoneAuthServer").path, "backup", "--database", folder.path + "/none.sqlite", copy + "2"]) == 1)
    }

    /// The README's PostgreSQL backup, as written: `pg_dump --format=custom` while the server writes, `pg_restore` into
    /// an empty database, and a server on it (same secrets) accepts the original's tokens and has its rows.
    @Test func aPostgreSQLDumpTakenDuringWritesRestoresIntoAServingDatabase() async throws {
        let harness = try await TestHarness.make(.postgres)
        let restoredHarness = try await TestHarness.make(.postgres)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-pgdump-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dump = folder.appendingPathComponent("phoneauth.dump").path
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook)
            try await Instance.stopping([server]) {
                var issued: [String] = []
                for index in 0..<5 { issued.append(try await server.signIn(receiver, phone: "+1312555030\(index)").access) }
                let tokens = issued
                let writer = Task {
                    for round in 0..<40 {
                        _ = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "R\(round)"], token: tokens[round % 5])
                    }
                }
                let dumped = await Spawn.run(["/usr/lib/postgresql/15/bin/pg_dump", "--format=custom", "--file=\(dump)", harness.databaseURL])
                try await writer.value
                #expect(dumped == 0)
                let restored = await Spawn.run(["/usr/lib/postgresql/15/bin/pg_restore", "--dbname=\(restoredHarness.databaseURL)", dump])
                #expect(restored == 0)
                #expect(try await restoredHarness.sql.int("SELECT COUNT(*) FROM users") == 5)
                #expect(try await restoredHarness.sql.int("SELECT COUNT(*) FROM user_sessions") == 5)
                let onCopy = try await Instance.start(database: restoredHarness.databaseURL, webhook: webhook)
                try await Instance.stopping([onCopy]) {
                    #expect(try await onCopy.request("GET", "/api/v1/profile", token: tokens[0]).status == 200)
                    // And it goes on: a new sign-in on the restored database.
                    _ = try await onCopy.signIn(receiver, phone: "+13125550399")
                }
            }
        }
    }
}
