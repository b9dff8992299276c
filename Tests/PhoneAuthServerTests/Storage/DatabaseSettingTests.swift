import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `--database` picks the backend; a PostgreSQL password never shows in what the server prints (issue 11).
@Suite struct DatabaseSettingTests {
    @Test func aPathIsSQLiteAndAPostgresURLIsPostgreSQL() throws {
        #expect(try DatabaseSetting(parsing: "./data/phoneauth.sqlite") == .sqlite(path: "./data/phoneauth.sqlite"))
        guard case .postgres(let setting) = try DatabaseSetting(parsing: "postgres://auth:s3cret@db.internal:6432/phoneauth?sslmode=require") else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(
            (setting.host, setting.port, setting.username, setting.password, setting.database) == ("db.internal", 6432, "auth", "s3cret", "phoneauth")
        )
        #expect(setting.tls == .require)
        #expect(
            try DatabaseSetting(parsing: "postgresql://auth@db/phoneauth")
                == .postgres(PostgresSetting(host: "db", username: "auth", password: nil, database: "phoneauth")))
    }

    @Test func thePasswordIsNeverInADescription() throws {
        let setting = try DatabaseSetting(parsing: "postgres://auth:s3cret@db.internal:5432/phoneauth")
        #expect("\(setting)" == "postgres://auth:***@db.internal:5432/phoneauth")
        #expect(!String(reflecting: setting).contains("s3cret") || "\(setting)".contains("***"))
    }

    @Test(arguments: [
        ("postgres://", "must look like"), ("postgres://auth@db", "names no database"), ("postgres://db/phoneauth", "names no user"),
        ("postgres://auth@db/phoneauth?sslmode=verify-full", "sslmode"),
    ])
    func badURLsAreExplained(url: String, complaint: String) {
        #expect(throws: ConfigError.self) { try DatabaseSetting(parsing: url) }
        do {
            _ = try DatabaseSetting(parsing: url)
        } catch let error as ConfigError {
            #expect(error.description.contains(complaint), "\(error.description)")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func poolTimeoutsAndTLSAreConfigurable() throws {
        let config = try ServeOptions.parse([
            "--database", "postgres://auth:pw@127.0.0.1:5432/phoneauth", "--database-pool-size", "4", "--database-connect-timeout", "1.5",
            "--database-statement-timeout", "3", "--database-tls", "disable",
        ]).resolve(environment: [:])
        guard case .postgres(let setting) = config.database else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(setting.poolSize == 4)
        #expect(setting.connectTimeout == .milliseconds(1500))
        #expect(setting.statementTimeout == .seconds(3))
        #expect(setting.tls == .disable)
        #expect(throws: ConfigError.self) {
            try ServeOptions.parse(["--database", "postgres://a@b/c", "--database-tls", "sometimes"]).resolve(environment: [:])
        }
    }

    /// PgBouncer in front: LISTEN gets PostgreSQL itself, with the database's timeouts and TLS mode unless it says its own.
    @Test func theListenURLIsADirectPostgreSQLConnectionAndOnlyForPostgreSQL() throws {
        let config = try ServeOptions.parse([
            "--database", "postgres://auth:pw@pgbouncer:6432/phoneauth", "--database-tls", "require", "--database-connect-timeout", "2",
        ]).resolve(environment: ["PHONEAUTH_DATABASE_LISTEN_URL": "postgres://auth:pw@db:5432/phoneauth"])
        let listen = try #require(config.databaseListen)
        #expect(listen.host == "db")
        #expect(listen.port == 5432)
        #expect(listen.tls == .require)
        #expect(listen.connectTimeout == .seconds(2))
        #expect(try ServeOptions.parse(["--database", "postgres://a@b/c"]).resolve(environment: [:]).databaseListen == nil)
        let own = try ServeOptions.parse(["--database", "postgres://a@b/c", "--database-listen-url", "postgres://a@d/c?sslmode=disable"])
            .resolve(environment: [:])
        #expect(own.databaseListen?.tls == .disable)
        for (database, listen, message) in [
            ("./x.sqlite", "postgres://a@d/c", "needs a PostgreSQL --database"), ("postgres://a@b/c", "d:5432", "must be a postgres:// URL"),
        ] {
            #expect {
                try ServeOptions.parse(["--database", database, "--database-listen-url", listen]).resolve(environment: [:])
            } throws: { error in "\(error)".contains(message) }
        }
    }

    /// A server that cannot reach its database says so on one line and exits, without the password.
    @Test func anUnreachableDatabaseIsReportedWithoutThePassword() async throws {
        let port = try MotoServer.freePort()
        let result = try await CLIRunner.run(
            ["migrate", "--database", "postgres://auth:hunter2-secret@127.0.0.1:\(port)/phoneauth?sslmode=disable"], binary: "PhoneAuthServer")
        #expect(result.status == 69)
        #expect(!result.stderr.contains("hunter2-secret"))
        #expect(!result.stdout.contains("hunter2-secret"))
        #expect(result.stderr.contains("auth:***@127.0.0.1"), "\(result.stderr)")
    }

    /// `sslmode=require` against a PostgreSQL without TLS (the test cluster has none): the one line names TLS, not
    /// only the wait.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func requiringTLSOfAServerWithoutItSaysSo(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let url = harness.databaseURL.replacingOccurrences(of: "sslmode=disable", with: "sslmode=require")
        let result = try await CLIRunner.run(["migrate", "--database", url], binary: "PhoneAuthServer")
        #expect(result.status == 69)
        #expect(result.stderr.contains("sslmode=require: does the server offer TLS?"), "\(result.stderr)")
    }

    @Test(arguments: Backend.all)
    func migrateBringsEitherBackendUpToDateAndCanRunAgain(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        for run in 0..<2 {
            let result = try await CLIRunner.run(["migrate", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("schema version \(SchemaHistory.latest)"), "\(result.stdout)")
            #expect(result.stdout.hasSuffix("is up to date at schema version \(SchemaHistory.latest)\n") || run == 0, "\(result.stdout)")
        }
        // Two versions back, it says what it applied.
        let previous = [SchemaHistory.name(SchemaHistory.latest - 1), SchemaHistory.name(SchemaHistory.latest)]
        switch backend {
        case .postgres:
            try await harness.sql.execute("DELETE FROM schema_migrations WHERE version IN ('\(previous[0])', '\(previous[1])')")
        case .sqlite:
            // (Opening the file migrates it: the tables go first, then the record of them.)
            try await harness.sql.execute("DROP TABLE webhook_dead_letters")
            try await harness.sql.execute("DROP TABLE webhook_endpoints")
            try await harness.sql.execute("DROP TABLE auth_events")
            try await harness.sql.execute("DELETE FROM grdb_migrations WHERE identifier IN ('\(previous[0])', '\(previous[1])')")
        }
        let upgrade = try await CLIRunner.run(["migrate", "--database", harness.databaseURL], binary: "PhoneAuthServer")
        #expect(
            upgrade.stdout.hasSuffix(
                "upgraded to schema version \(SchemaHistory.latest) (applied versions \(SchemaHistory.latest - 1) to \(SchemaHistory.latest))\n"),
            "\(upgrade.stdout)\(upgrade.stderr)")
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM users") == 0)
    }

    /// Run from the wrong folder, an operator command must not make and migrate an empty database and then find no
    /// user in it: it refuses a SQLite file that is not there (66); `migrate` creates one and says so.
    @Test func operatorCommandsRefuseAMissingSQLiteFileAndMigrateCreatesOne() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-missing-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("phoneauth.sqlite").path
        let promote = try await CLIRunner.run(["admin", "promote", "+13125550100", "--database", path], binary: "PhoneAuthServer")
        #expect(promote.status == 66)
        #expect(promote.stderr == AdminCommand.missingFile(path))
        #expect(!FileManager.default.fileExists(atPath: path))
        let ranges = try await CLIRunner.run(["admin", "ranges", "--database", path], binary: "PhoneAuthServer")
        #expect(ranges.status == 66)

        let created = try await CLIRunner.run(["migrate", "--database", path], binary: "PhoneAuthServer")
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout == "created database \(path) at schema version \(SchemaHistory.latest)\n")
        let again = try await CLIRunner.run(["migrate", "--database", path], binary: "PhoneAuthServer")
        #expect(again.stdout == "database \(path) is up to date at schema version \(SchemaHistory.latest)\n")
        let noUser = try await CLIRunner.run(["admin", "demote", "+13125550100", "--database", path], binary: "PhoneAuthServer")
        #expect(noUser.status == 1)
    }

    /// A new operator takes one code, not two and a cooldown: promoting a number that has not signed in yet reserves
    /// its user, and its first sign-in (the API's or the console's) is an admin's.
    @Test(arguments: Backend.all)
    func aNumberPromotedBeforeItsFirstSignInSignsInAsAdmin(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook)
            try await Instance.stopping([server]) {
                let promote = try await CLIRunner.run(
                    ["admin", "promote", "+1 312 555 0177", "--database", harness.databaseURL], binary: "PhoneAuthServer")
                #expect(promote.status == 0, "\(promote.stderr)")
                #expect(promote.stdout.contains("has not signed in yet: it becomes an admin at its first sign-in"))
                #expect(!promote.stdout.contains("5550177"), "the number is masked")
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM users WHERE phone_number = '+13125550177' AND NOT is_active") == 1)
                let token = try await server.signIn(receiver, phone: "+13125550177").access
                let listed = try await server.request("GET", "/admin/users?phone=%2B13125550177", token: token)
                #expect(listed.status == 200, "\(listed.json)")
                let active = "SELECT COUNT(*) FROM users WHERE phone_number = '+13125550177' AND is_active AND role = 'admin'"
                #expect(try await harness.sql.int(active) == 1)
                #expect(try await harness.sql.int("SELECT COUNT(*) FROM audit_log WHERE action = 'user.promote' AND via = 'cli'") == 1)
                // Promoting again, now that it exists, changes nothing else.
                let again = try await CLIRunner.run(
                    ["admin", "promote", "+13125550177", "--database", harness.databaseURL], binary: "PhoneAuthServer")
                let id = try await harness.sql.int("SELECT id FROM users WHERE phone_number = '+13125550177'")
                #expect(again.stdout == "user \(id) is now admin\n")
            }
        }
    }
}
