import Foundation
import Logging
import PhoneAuthCore
import PhoneAuthPostgres
import PhoneAuthSQLite

/// Moving a SQLite deployment to PostgreSQL without signing anyone out. The SQLite file is first copied with the online
/// backup API (one committed state, while its server keeps running), then every table of that copy goes into an empty
/// PostgreSQL database in one transaction, ids, sessions and refresh-token hashes as they are; then each table's row
/// count and checksum are read from both and compared.
enum SQLiteToPostgres {
    struct Copied: Sendable, Equatable {
        var table: String
        var checksum: TableChecksum
    }

    enum Refusal: Error, CustomStringConvertible {
        /// The target already holds rows: copying into it would mix two deployments.
        case targetNotEmpty([String])
        case schemasDiffer(String)
        case checksumsDiffer(table: String, source: TableChecksum, target: TableChecksum)

        var description: String {
            switch self {
            case .targetNotEmpty(let tables):
                "the PostgreSQL database already holds rows (\(tables.joined(separator: ", "))); copy into an empty database"
            case .schemasDiffer(let what): "the two schemas differ: \(what)"
            case .checksumsDiffer(let table, let source, let target): "\(table) differs after the copy: SQLite \(source), PostgreSQL \(target)"
            }
        }
    }

    static let batchRows = 500

    /// Copies `source` into `target` and returns each table's verified count and checksum. `progress` hears of each
    /// table as it is loaded.
    static func copy(from source: String, to target: PostgresSetting, logger: Logger, progress: @escaping @Sendable (String) -> Void = { _ in })
        async throws -> [Copied]
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: folder) }
        let snapshot = folder.appendingPathComponent("snapshot.sqlite").path
        _ = try await SQLiteBackup.copy(from: source, to: snapshot)
        let export = SQLiteExport(try await SQLiteDatabase.open(path: snapshot))

        let target = PostgresImport(PostgresDatabase(target, logger: logger))
        return try await withThrowingTaskGroup(of: [Copied]?.self) { group in
            group.addTask { await target.service.run(); return nil }
            defer { group.cancelAll() }
            try await target.migrate()
            let tables = try await export.tables()
            try check(tables, against: try await target.columns())
            let holding = try await target.tablesHoldingRows(tables.map(\.name))
            guard holding.isEmpty else { throw Refusal.targetNotEmpty(holding) }

            try await target.load { loader in
                for table in tables {
                    var after = Int64.min
                    while true {
                        let batch = try await export.rows(of: table, after: after, limit: batchRows)
                        try await loader.insert(into: table.name, columns: table.columns, kinds: table.kinds, rows: batch.rows)
                        guard let last = batch.last else { break }
                        after = last
                    }
                    progress(table.name)
                }
            }
            var copied: [Copied] = []
            for table in tables {
                let (expected, found) = (
                    try await export.checksum(of: table), try await target.checksum(of: table.name, columns: table.columns, kinds: table.kinds)
                )
                guard expected == found else { throw Refusal.checksumsDiffer(table: table.name, source: expected, target: found) }
                copied.append(Copied(table: table.name, checksum: found))
            }
            return copied
        }
    }

    /// Both schemas must hold the same tables with the same columns of the same kinds (both binaries migrate to the
    /// same `SchemaHistory` version, so they do unless someone changed one by hand).
    private static func check(_ tables: [SQLiteExport.Table], against target: [String: [String: ColumnKind]]) throws {
        for table in tables {
            guard let columns = target[table.name] else { throw Refusal.schemasDiffer("PostgreSQL has no table \(table.name)") }
            for (column, kind) in zip(table.columns, table.kinds) where columns[column] != kind {
                let found = columns[column]?.rawValue ?? "missing"
                throw Refusal.schemasDiffer("\(table.name).\(column) is \(kind.rawValue) on SQLite, \(found) on PostgreSQL")
            }
            guard columns.count == table.columns.count else { throw Refusal.schemasDiffer("\(table.name) has other columns on PostgreSQL") }
        }
        let missing = Set(target.keys).subtracting(tables.map(\.name))
        guard missing.isEmpty else { throw Refusal.schemasDiffer("SQLite has no table \(missing.sorted().joined(separator: ", "))") }
    }
}
