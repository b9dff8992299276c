import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthPostgres
@testable import PhoneAuthServer
@testable import PhoneAuthSQLite

/// One schema on both backends: the migrations of each reach the same `SchemaHistory` version, and the tables they
/// make match column by column (types as mapped, nullability), with the same primary keys, indexes and unique
/// constraints, read back from `PRAGMA table_info`/`index_list` and `information_schema`/`pg_index`.
@Suite(.serialized) struct SchemaParityTests {
    @Test func sqliteAppliesEveryVersionOnceUnderItsOneNumber() async throws {
        let harness = try TestHarness()
        let database = try await SQLiteDatabase.open(path: harness.databasePath)
        let applied = try await database.writer.read { db in try SQLiteMigrations.migrator.appliedIdentifiers(db) }
        #expect(applied.sorted() == (1...SchemaHistory.latest).map(SchemaHistory.name).sorted())
        #expect(applied.compactMap(SchemaHistory.version(named:)).max() == SchemaHistory.latest)
    }

    @Test func postgresReachesTheSameVersionAndUpgradesADatabaseOfTheOldNumbering() async throws {
        guard TestPostgres.server != nil else { return }
        let harness = try await TestHarness.make(.postgres)
        guard case .postgres(let setting) = harness.config.database else { return }
        try await migrate(harness)
        let names = try await harness.sql.strings("SELECT version FROM schema_migrations")
        #expect(Set(names) == Set(PostgresMigrations.migrations.map(\.version)))
        #expect(names.compactMap(SchemaHistory.version(named:)).max() == SchemaHistory.latest)
        // Steps cover the versions without a gap: 1-4, then 5, 6, … latest.
        let ends = PostgresMigrations.migrations.compactMap { SchemaHistory.version(named: $0.version) }
        #expect(ends == [4] + Array(5...SchemaHistory.latest))

        // A database migrated under PostgreSQL's own numbering (v1 … v8) migrates forward without applying anything again.
        try await TestPostgres.run(on: setting, "DELETE FROM schema_migrations")
        for (old, _) in PostgresMigrations.legacyNames {
            try await TestPostgres.run(on: setting, "INSERT INTO schema_migrations (version) VALUES ('\(old)')")
        }
        try await migrate(harness)
        let upgraded = Set(try await harness.sql.strings("SELECT version FROM schema_migrations"))
        #expect(upgraded == Set(PostgresMigrations.migrations.map(\.version) + PostgresMigrations.legacyNames.map(\.old)))
    }

    @Test func bothBackendsMakeTheSameTablesColumnsAndIndexes() async throws {
        guard TestPostgres.server != nil else { return }
        let lite = try TestHarness()
        let postgres = try await TestHarness.make(.postgres)
        try await migrate(postgres)
        let sqliteSchema = try await Self.sqliteSchema(lite.databasePath)
        guard case .postgres(let setting) = postgres.config.database else { return }
        let postgresSchema = try await Self.postgresSchema(setting)
        #expect(sqliteSchema.keys.sorted() == postgresSchema.keys.sorted())
        for table in Set(sqliteSchema.keys).union(postgresSchema.keys).sorted() {
            #expect(sqliteSchema[table]?.columns == postgresSchema[table]?.columns, "columns of \(table)")
            #expect(sqliteSchema[table]?.primaryKey == postgresSchema[table]?.primaryKey, "primary key of \(table)")
            #expect(sqliteSchema[table]?.indexes == postgresSchema[table]?.indexes, "indexes of \(table)")
        }
        #expect(sqliteSchema.count >= 14)
    }

    // MARK: Reading the schemas

    struct Column: Hashable, CustomStringConvertible {
        var name: String
        var type: String
        var nullable: Bool
        var description: String { "\(name) \(type)\(nullable ? "" : " not null")" }
    }

    struct Index: Hashable, CustomStringConvertible {
        var columns: [String]
        var unique: Bool
        var description: String { "\(unique ? "unique " : "")(\(columns.joined(separator: ", ")))" }
    }

    struct Table: Equatable {
        var columns: [Column]
        var primaryKey: [String]
        var indexes: Set<Index>
    }

    private func migrate(_ harness: TestHarness) async throws {
        try await Storage.with(harness.config.database, logger: Logger(label: "test")) { _ in }
    }

    /// Both backends' declared types, as one vocabulary (the one `copy-to-postgres` converts by).
    static func logicalType(_ declared: String) -> String {
        ColumnKind(declared: declared)?.rawValue ?? "unmapped " + declared
    }

    static func sqliteSchema(_ path: String) async throws -> [String: Table] {
        let database = try await SQLiteDatabase.open(path: path)
        return try await database.writer.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'")
            var schema: [String: Table] = [:]
            for table in tables {
                let info = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))")
                let primaryKey = info.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }.map { $0["name"] as String }
                let columns = info.map { row in
                    Column(
                        name: row["name"], type: logicalType(row["type"]),
                        nullable: !(row["notnull"] as Bool) && !primaryKey.contains(row["name"]))
                }
                var indexes = Set<Index>()
                for index in try Row.fetchAll(db, sql: "PRAGMA index_list(\(table))") where (index["origin"] as String) != "pk" {
                    let name: String = index["name"]
                    let columns = try Row.fetchAll(db, sql: "PRAGMA index_info(\(name))").sorted { ($0["seqno"] as Int) < ($1["seqno"] as Int) }
                        .map { $0["name"] as String }
                    indexes.insert(Index(columns: columns, unique: index["unique"]))
                }
                schema[table] = Table(columns: columns.sorted { $0.name < $1.name }, primaryKey: primaryKey, indexes: indexes)
            }
            return schema
        }
    }

    static func postgresSchema(_ setting: PostgresSetting) async throws -> [String: Table] {
        let columns = try await TestPostgres.rows(
            on: setting,
            """
            SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name <> 'schema_migrations'
            """)
        let indexes = try await TestPostgres.rows(
            on: setting,
            """
            SELECT t.relname::text AS table_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
                   array_to_string(ARRAY(
                       SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
                       JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord), ',') AS columns
            FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = 'public' AND t.relname <> 'schema_migrations'
            """)
        var schema: [String: Table] = [:]
        for row in columns {
            let table = try row["table_name"].decode(String.self)
            schema[table, default: Table(columns: [], primaryKey: [], indexes: [])].columns.append(
                Column(
                    name: try row["column_name"].decode(String.self), type: logicalType(try row["data_type"].decode(String.self)),
                    nullable: try row["is_nullable"].decode(String.self) == "YES"))
        }
        for row in indexes {
            let table = try row["table_name"].decode(String.self)
            let keyColumns = try row["columns"].decode(String.self).split(separator: ",").map(String.init)
            if try row["is_primary"].decode(Bool.self) {
                schema[table]?.primaryKey = keyColumns
            } else {
                schema[table]?.indexes.insert(Index(columns: keyColumns, unique: try row["is_unique"].decode(Bool.self)))
            }
        }
        for table in schema.keys { schema[table]?.columns.sort { $0.name < $1.name } }
        return schema
    }
}
