import Foundation
import GRDB
import PhoneAuthCore

/// Reading every table of a SQLite database as backend-neutral rows, for copying it into PostgreSQL
/// (`PhoneAuthServer copy-to-postgres`): in batches by rowid, so memory stays bounded whatever the table's size.
package struct SQLiteExport: Sendable {
    package struct Table: Sendable, Equatable {
        package var name: String
        package var columns: [String]
        package var kinds: [ColumnKind]
    }

    let database: SQLiteDatabase

    package init(_ database: SQLiteDatabase) { self.database = database }

    /// Every table the migrations made, a table that others reference before them (users before sessions).
    package func tables() async throws -> [Table] {
        try await database.writer.read { db in
            let names = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%' ORDER BY name")
            var tables: [Table] = []
            var referencing: [String: Set<String>] = [:]
            for name in names {
                let info = try Row.fetchAll(db, sql: "PRAGMA table_info(\(name.quotedDatabaseIdentifier))")
                var kinds: [ColumnKind] = []
                for column in info {
                    let declared: String = column["type"]
                    guard let kind = ColumnKind(declared: declared) else {
                        throw ConfigError("\(name).\(column["name"] as String) has a type no migration declares: \(declared)")
                    }
                    kinds.append(kind)
                }
                tables.append(Table(name: name, columns: info.map { $0["name"] }, kinds: kinds))
                referencing[name] = Set(try String.fetchAll(db, sql: "SELECT \"table\" FROM pragma_foreign_key_list(?)", arguments: [name]))
            }
            // Referenced tables first (the schema's references are one level deep: to `users`).
            let level = { (table: Table) in referencing[table.name]?.isEmpty ?? true ? 0 : 1 }
            return tables.sorted { (level($0), $0.name) < (level($1), $1.name) }
        }
    }

    /// Up to `limit` rows of `table` after rowid `after`, and the last rowid read (nil when none was left).
    package func rows(of table: Table, after: Int64, limit: Int) async throws -> (rows: [[CopiedValue]], last: Int64?) {
        try await database.writer.read { db in
            let columns = table.columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let fetched = try Row.fetchAll(
                db, sql: "SELECT rowid, \(columns) FROM \(table.name.quotedDatabaseIdentifier) WHERE rowid > ? ORDER BY rowid LIMIT ?",
                arguments: [after, limit])
            let rows = try fetched.map { row in
                try table.kinds.enumerated().map { index, kind in
                    try Self.value(row[index + 1] as DatabaseValue, kind: kind, column: table.columns[index])
                }
            }
            return (rows, fetched.last.map { $0[0] as Int64 })
        }
    }

    /// The table's `TableChecksum`, read in batches.
    package func checksum(of table: Table) async throws -> TableChecksum {
        var checksum = TableChecksum()
        var after = Int64.min
        while true {
            let batch = try await rows(of: table, after: after, limit: 1_000)
            for row in batch.rows { checksum.add(row) }
            guard let last = batch.last else { return checksum }
            after = last
        }
    }

    private static func value(_ stored: DatabaseValue, kind: ColumnKind, column: String) throws -> CopiedValue {
        if stored.isNull { return .null }
        let value: CopiedValue? =
            switch kind {
            case .text: String.fromDatabaseValue(stored).map(CopiedValue.text)
            case .integer: Int64.fromDatabaseValue(stored).map(CopiedValue.integer)
            case .boolean: Bool.fromDatabaseValue(stored).map(CopiedValue.boolean)
            case .timestamp: Date.fromDatabaseValue(stored).map(CopiedValue.timestamp)
            case .bytes: Data.fromDatabaseValue(stored).map(CopiedValue.bytes)
            case .double: Double.fromDatabaseValue(stored).map(CopiedValue.double)
            case .list:
                String.fromDatabaseValue(stored).flatMap(IntegerListJSON.decode).map(CopiedValue.list)
            }
        // (The value itself is never shown: it may be a phone number or a token's hash.)
        guard let value else { throw ConfigError("column \(column) holds a value that is not \(kind.rawValue)") }
        return value
    }
}
