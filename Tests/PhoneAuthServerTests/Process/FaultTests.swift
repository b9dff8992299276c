import Foundation
import Logging
import PostgresNIO
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer
@testable import PhoneAuthSQLite

/// The database or the SMS provider failing under a running server (the real binary): writes answer a clear 503
/// `storage_unavailable` or `sms_unavailable` with nothing half-done, the process stays up, what does not need the
/// failed part keeps serving, and service resumes by itself when the fault goes away. (A database locked by another
/// process past the busy timeout: `HealthTests`; PostgreSQL going away: `PostgresRestartTests`.)
@Suite(.serialized) struct FaultTests {
    private static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    private static func run(_ arguments: [String]) async -> Int32 {
        await Spawn.run(arguments)
    }

    /// `chattr +i`: even root cannot write the file, through the descriptors SQLite already holds too.
    @Test func aDatabaseFileMadeReadOnlyRefusesWritesWith503AndRecovers() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: database, webhook: webhook)
            let files = [database, database + "-wal"]
            do {
                let token = try await server.signIn(receiver, phone: "+13125550501").access
                let texts = receiver.messages.count
                #expect(await Self.run(["/usr/bin/chattr", "+i"] + files) == 0, "chattr works on this file system")
                let edit = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Read Only"], token: token)
                #expect(edit.status == 503)
                #expect(edit.errorCode == "storage_unavailable")
                let send = try await server.request("POST", "/auth/send-code", json: ["phone": "+13125550502"])
                #expect(send.status == 503)
                #expect(send.errorCode == "storage_unavailable")
                #expect(receiver.messages.count == texts, "no SMS for a code that could not be stored")
                // Reads and the process are fine.
                #expect(try await server.request("GET", "/api/v1/profile", token: token).status == 200)
                #expect(try await server.request("GET", "/health/live").status == 200)

                #expect(await Self.run(["/usr/bin/chattr", "-i"] + files) == 0)
                let again = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Writable"], token: token)
                #expect(again.status == 200)
                #expect(again.json["full_name"] as? String == "Writable")
                await server.stop()
            } catch {
                _ = await Self.run(["/usr/bin/chattr", "-i"] + files)
                await server.stop()
                throw error
            }
        }
        let sqlite = try await SQLiteDatabase.open(path: database)
        let (check, names) = try await sqlite.writer.read { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check"), try String.fetchAll(db, sql: "SELECT full_name FROM users"))
        }
        #expect(check == "ok")
        #expect(names == ["Writable"])
    }

    /// A 4 MiB tmpfs filled to the last byte: SQLite's writes fail with SQLITE_FULL until space is freed.
    @Test func aFullDiskRefusesWritesWith503AndRecoversWhenSpaceIsFreed() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(await Self.run(["/usr/bin/mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "tmpfs", folder.path]) == 0, "tmpfs mounts (root)")
        defer { _ = Task { await Self.run(["/usr/bin/umount", "-l", folder.path]) } }
        let database = folder.appendingPathComponent("db.sqlite").path
        let filler = folder.appendingPathComponent("filler").path
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: database, webhook: webhook)
            do {
                let token = try await server.signIn(receiver, phone: "+13125550511").access
                Self.fill(filler)
                var refused = 0
                var statuses: Set<Int> = []
                // Address creations (until the book is full) and profile edits, until one meets the full disk.
                for round in 0..<300 where refused == 0 {
                    let body = ["line1": String(repeating: "x", count: 190) + "\(round)", "city": "Chicago", "region": "IL", "postal_code": "60601"]
                    let answer =
                        round.isMultiple(of: 2)
                        ? try await server.request("POST", "/api/v1/profile/addresses", json: body, token: token)
                        : try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "round \(round)"], token: token)
                    statuses.insert(answer.status)
                    if answer.status == 503 {
                        #expect(answer.errorCode == "storage_unavailable")
                        refused += 1
                    }
                }
                #expect(refused == 1, "a write hit the full disk: \(statuses.sorted())")
                #expect(statuses.isSubset(of: [200, 201, 409, 503]), "\(statuses.sorted())")
                #expect(try await server.request("GET", "/health/live").status == 200)
                try FileManager.default.removeItem(atPath: filler)
                let edit = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Space Again"], token: token)
                #expect(edit.status == 200)
                await server.stop()
            } catch {
                await server.stop()
                throw error
            }
        }
        let sqlite = try await SQLiteDatabase.open(path: database)
        let check = try await sqlite.writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
    }

    /// Writes 64 KiB blocks until the file system refuses (ENOSPC).
    private static func fill(_ path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: path) else { return }
        let block = Data(repeating: 0x55, count: 64 * 1024)
        while (try? handle.write(contentsOf: block)) != nil {}
        // The last partial block: fill the remaining bytes too.
        let small = Data(repeating: 0x55, count: 512)
        while (try? handle.write(contentsOf: small)) != nil {}
        try? handle.close()
    }

    /// Every provider call fails (the webhook answers 500): sign-in is a clean 503 and nothing else is affected.
    @Test func withTheSMSProviderDownSignInIs503AndEverythingElseServes() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            // A test number signs in without an SMS, so a user exists while the provider is down.
            let server = try await Instance.start(
                database: folder.appendingPathComponent("db.sqlite").path, webhook: webhook,
                extra: ["--sms-webhook-url", webhook + "/fail", "--test-numbers", "+13125550521:424242:2099-01-01"])
            do {
                let sent = try await server.request("POST", "/auth/send-code", json: ["phone": "+13125550522"])
                #expect(sent.status == 503)
                #expect(sent.errorCode == "sms_unavailable")
                #expect(sent.json["verification_id"] == nil)
                let test = try await server.request("POST", "/auth/send-code", json: ["phone": "+13125550521"])
                let id = try #require(test.json["verification_id"] as? String)
                let grant = try await server.request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": "424242"])
                let token = try #require(grant.json["access_token"] as? String)
                let refresh = try #require(grant.json["refresh_token"] as? String)
                #expect(try await server.request("GET", "/api/v1/profile", token: token).status == 200)
                #expect(try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Still Here"], token: token).status == 200)
                let address = ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]
                #expect(try await server.request("POST", "/api/v1/profile/addresses", json: address, token: token).status == 201)
                #expect(try await server.request("GET", "/auth/sessions", token: token).status == 200)
                #expect(try await server.request("POST", "/auth/refresh", json: ["refresh_token": refresh]).status == 200)
                #expect(try await server.request("GET", "/health/ready").status == 200, "the provider is not the server's health")
                // The failed send left no usable code behind.
                let guess = try await server.request("POST", "/auth/verify-code", json: ["phone": "+13125550522", "verification_code": "000000"])
                #expect(guess.status == 400)
                await server.stop()
            } catch {
                await server.stop()
                throw error
            }
        }
    }

    /// PostgreSQL turned read-only (as a standby or `default_transaction_read_only`): writes answer 503, and service
    /// resumes once it is writable again and connections are re-established.
    @Test func aReadOnlyPostgreSQLRefusesWritesWith503AndRecovers() async throws {
        let harness = try await TestHarness.make(.postgres)
        guard case .postgres(let setting) = harness.config.database, let admin = TestPostgres.server else { return }
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook)
            do {
                let token = try await server.signIn(receiver, phone: "+13125550531").access
                let reconnect =
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(setting.database)' AND pid <> pg_backend_pid()"
                try await TestPostgres.run(on: admin, "ALTER DATABASE \(setting.database) SET default_transaction_read_only = on")
                _ = try await TestPostgres.rows(on: admin, reconnect)
                // The first request may meet a connection the server has not noticed was closed, the next a read-only
                // one: both are the database being unavailable.
                // (Found by this test: the aborted transaction of the second was handed to the third request.)
                for _ in 0..<3 {
                    let edit = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Read Only"], token: token)
                    #expect(edit.status == 503)
                    #expect(edit.errorCode == "storage_unavailable")
                }
                #expect(try await server.request("GET", "/health/live").status == 200)

                try await TestPostgres.run(on: admin, "ALTER DATABASE \(setting.database) RESET default_transaction_read_only")
                _ = try await TestPostgres.rows(on: admin, reconnect)
                var again = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Writable"], token: token)
                for _ in 0..<50 where again.status != 200 {
                    try await Task.sleep(for: .milliseconds(100))
                    again = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Writable"], token: token)
                }
                #expect(again.status == 200)
                await server.stop()
            } catch {
                await server.stop()
                throw error
            }
        }
        #expect(try await harness.sql.strings("SELECT full_name FROM users") == ["Writable"])
    }

    /// Another session holds a lock past the statement timeout (a long migration, a stuck script): writes answer 503
    /// after the timeout, nothing is changed, and service resumes when the lock is released.
    @Test func aPostgreSQLLockHeldPastTheStatementTimeoutIs503AndResumes() async throws {
        let harness = try await TestHarness.make(.postgres)
        guard case .postgres(let setting) = harness.config.database else { return }
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: ["--database-statement-timeout", "1"])
            let holder = try await PostgresConnection.connect(
                configuration: .init(
                    host: setting.host, port: setting.port, username: setting.username, password: setting.password,
                    database: setting.database, tls: .disable),
                id: 7, logger: Logger(label: "lock-holder"))
            do {
                let token = try await server.signIn(receiver, phone: "+13125550541").access
                try await holder.query("BEGIN", logger: Logger(label: "lock-holder"))
                try await holder.query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", logger: Logger(label: "lock-holder"))
                let edit = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Locked"], token: token)
                #expect(edit.status == 503)
                #expect(edit.errorCode == "storage_unavailable")
                #expect(try await server.request("GET", "/health/live").status == 200)
                try await holder.query("ROLLBACK", logger: Logger(label: "lock-holder"))
                let again = try await server.request("PATCH", "/api/v1/profile", json: ["full_name": "Free"], token: token)
                #expect(again.status == 200)
                try await holder.close()
                await server.stop()
            } catch {
                try? await holder.close()
                await server.stop()
                throw error
            }
        }
        #expect(try await harness.sql.strings("SELECT full_name FROM users") == ["Free"])
    }
}
