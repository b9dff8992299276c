import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthPostgres
@testable import PhoneAuthServer
@testable import PhoneAuthSQLite

/// The storage backends a storage-facing test runs on: SQLite always, PostgreSQL when `PHONEAUTH_TEST_POSTGRES` names
/// a server (`make test` starts a throwaway cluster and sets it). With the variable set, an unreachable server fails
/// the PostgreSQL cases; nothing is skipped.
enum Backend: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    static var all: [Backend] { TestPostgres.server == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }
}

/// The test cluster: one fresh database per harness, dropped again when the harness goes.
enum TestPostgres {
    /// An administrative URL such as `postgres://postgres@127.0.0.1:54329/postgres`.
    static let server: PostgresSetting? = ProcessInfo.processInfo.environment["PHONEAUTH_TEST_POSTGRES"].map { url in
        do {
            var setting = try PostgresSetting(url: url)
            setting.tls = .disable
            return setting
        } catch {
            fatalError("PHONEAUTH_TEST_POSTGRES is not a postgres:// URL: \(error)")
        }
    }

    static var logger: Logger {
        var logger = Logger(label: "test-postgres")
        logger.logLevel = .critical
        return logger
    }

    /// A new empty database on the test server; its setting names it.
    static func createDatabase() async throws -> PostgresSetting {
        let server = try #require(server, "PHONEAUTH_TEST_POSTGRES is not set")
        var setting = server
        setting.database = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await run(on: server, "CREATE DATABASE \(setting.database)")
        return setting
    }

    static func dropDatabase(_ name: String) async {
        guard let server else { return }
        try? await run(on: server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// One statement on its own connection (administrative statements cannot run in a transaction).
    static func run(on setting: PostgresSetting, _ sql: String) async throws {
        _ = try await rows(on: setting, PostgresQuery(unsafeSQL: sql))
    }

    static func rows(on setting: PostgresSetting, _ sql: String) async throws -> [PostgresRandomAccessRow] {
        try await rows(on: setting, PostgresQuery(unsafeSQL: sql))
    }

    static func rows(on setting: PostgresSetting, _ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: setting.host, port: setting.port, username: setting.username, password: setting.password, database: setting.database,
                tls: .disable),
            id: 1, logger: logger)
        do {
            var result: [PostgresRandomAccessRow] = []
            for try await row in try await connection.query(query, logger: logger) { result.append(row.makeRandomAccess()) }
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Reading and changing the rows under test, whichever backend the harness runs on. The SQL is the portable subset
/// both speak (`TRUE`/`FALSE` for booleans).
struct TestSQL: Sendable {
    let database: DatabaseSetting
    /// The server's auth-state cache, to wait until it has heard of a change made here.
    var cache: AuthStateCache?

    /// `?` placeholders take `dates`, in order.
    func execute(_ sql: String, dates: [Date] = []) async throws {
        switch database {
        case .sqlite(let path):
            try await SQLiteDatabase.open(path: path).writer.write { db in try db.execute(sql: sql, arguments: StatementArguments(dates)) }
        case .postgres(let setting):
            var bindings = PostgresBindings()
            var numbered = ""
            for character in sql {
                guard character == "?" else {
                    numbered.append(character)
                    continue
                }
                bindings.append(dates[bindings.count], context: .default)
                numbered += "$\(bindings.count)"
            }
            _ = try await TestPostgres.rows(on: setting, PostgresQuery(unsafeSQL: numbered, binds: bindings))
            // A change made outside PhoneAuth must announce itself, as PhoneAuth's own writes do; then wait until the
            // server's listener has heard it (notifications arrive asynchronously).
            let before = cache?.stats.invalidations ?? 0
            try await TestPostgres.run(on: setting, "SELECT pg_notify('\(PostgresChangeListener.channel)', '')")
            guard let cache else { return }
            for _ in 0..<1000 where cache.stats.invalidations == before { try await Task.sleep(for: .milliseconds(5)) }
        }
    }

    /// The first column of the first row as an integer (`SELECT COUNT(*) …`).
    func int(_ sql: String) async throws -> Int {
        switch database {
        case .sqlite(let path): try await SQLiteDatabase.open(path: path).writer.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        case .postgres(let setting): try await TestPostgres.rows(on: setting, sql).first.map { try $0[0].decode(Int.self) } ?? 0
        }
    }

    /// The first column of every row as text.
    func strings(_ sql: String) async throws -> [String] {
        switch database {
        case .sqlite(let path): try await SQLiteDatabase.open(path: path).writer.read { db in try String.fetchAll(db, sql: sql) }
        case .postgres(let setting): try await TestPostgres.rows(on: setting, sql).map { try $0[0].decode(String.self) }
        }
    }

    func users() async throws -> [User] {
        try await records("SELECT * FROM users ORDER BY id", sqlite: { db, sql in try User.fetchAll(db, sql: sql) }, postgres: User.init(row:))
    }

    func sessions() async throws -> [UserSession] {
        try await records(
            "SELECT * FROM user_sessions ORDER BY created_at, id", sqlite: { db, sql in try UserSession.fetchAll(db, sql: sql) },
            postgres: UserSession.init(row:))
    }

    func addresses() async throws -> [Address] {
        try await records(
            "SELECT * FROM addresses ORDER BY id", sqlite: { db, sql in try Address.fetchAll(db, sql: sql) }, postgres: Address.init(row:))
    }

    func verifications() async throws -> [Verification] {
        try await records(
            "SELECT * FROM verifications ORDER BY id", sqlite: { db, sql in try Verification.fetchAll(db, sql: sql) },
            postgres: Verification.init(row:))
    }

    private func records<Record: Sendable>(
        _ sql: String, sqlite: @escaping @Sendable (Database, String) throws -> [Record], postgres: (PostgresRandomAccessRow) throws -> Record
    ) async throws -> [Record] {
        switch database {
        case .sqlite(let path): try await SQLiteDatabase.open(path: path).writer.read { db in try sqlite(db, sql) }
        case .postgres(let setting): try await TestPostgres.rows(on: setting, sql).map(postgres)
        }
    }
}
