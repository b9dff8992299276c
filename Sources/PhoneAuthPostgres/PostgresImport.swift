import Foundation
import PhoneAuthCore
import PostgresNIO

/// Loading backend-neutral rows into an empty PostgreSQL database, for copying a SQLite deployment into it
/// (`PhoneAuthServer copy-to-postgres`): the schema brought up to date, the target checked empty, every row inserted
/// with its own ids in one transaction, the id sequences moved past them, and each table's `TableChecksum` read back.
package struct PostgresImport: Sendable {
    let database: PostgresDatabase

    package init(_ database: PostgresDatabase) { self.database = database }

    /// What `run()` of the database's client must be running for.
    package var service: PostgresClient { database.client }

    package func migrate() async throws { try await PostgresMigrations.migrate(database) }

    /// Each table's columns and their kinds, as PostgreSQL declares them (`schema_migrations` left out).
    package func columns() async throws -> [String: [String: ColumnKind]] {
        try await database.read { sql in
            var tables: [String: [String: ColumnKind]] = [:]
            for row in try await sql.rows(
                """
                SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name <> 'schema_migrations'
                """)
            {
                let (table, column, type) = (
                    try row["table_name"].decode(String.self), try row["column_name"].decode(String.self), try row["data_type"].decode(String.self)
                )
                if let kind = ColumnKind(declared: type) { tables[table, default: [:]][column] = kind }
            }
            return tables
        }
    }

    /// The tables among `tables` that hold anything: a row, or (`send_budgets`, whose empty rings the migrations make)
    /// a counted send.
    package func tablesHoldingRows(_ tables: [String]) async throws -> [String] {
        try await database.read { sql in
            var holding: [String] = []
            for table in tables {
                let condition = table == "send_budgets" ? "WHERE EXISTS (SELECT 1 FROM unnest(counts) AS n WHERE n <> 0)" : ""
                let query = PostgresQuery(unsafeSQL: "SELECT EXISTS (SELECT 1 FROM \(Self.quoted(table)) \(condition)) AS held")
                if try await sql.row(query)?["held"].decode(Bool.self) == true { holding.append(table) }
            }
            return holding
        }
    }

    /// Inserts what `body` hands the loader in one transaction: all of it, or (when `body` or an insert throws) none.
    package func load(_ body: @escaping @Sendable (Loader) async throws -> Void) async throws {
        try await database.write { sql in
            // The migrations' empty rings make way for the copied ones.
            try await sql.execute("DELETE FROM send_budgets")
            try await body(Loader(sql: sql))
            // Every id column's sequence continues past the ids copied.
            for row in try await sql.rows(
                """
                SELECT table_name::text, column_name::text FROM information_schema.columns
                WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'
                """)
            {
                let (table, column) = (try row["table_name"].decode(String.self), try row["column_name"].decode(String.self))
                try await sql.execute(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT setval(pg_get_serial_sequence($1, $2),
                                COALESCE((SELECT MAX(\(Self.quoted(column))) FROM \(Self.quoted(table))), 0) + 1, false)
                            """, binds: Self.binds([.text(table), .text(column)])))
            }
        }
    }

    package struct Loader: Sendable {
        let sql: PostgresExecutor

        /// One multi-row `INSERT` of `rows` (each in `columns`' order, typed by `kinds`).
        package func insert(into table: String, columns: [String], kinds: [ColumnKind], rows: [[CopiedValue]]) async throws {
            guard !rows.isEmpty else { return }
            var text = "INSERT INTO \(PostgresImport.quoted(table)) (\(columns.map(PostgresImport.quoted).joined(separator: ", "))) VALUES "
            var values: [CopiedValue] = []
            values.reserveCapacity(rows.count * columns.count)
            for (index, row) in rows.enumerated() {
                let first = index * columns.count
                text += (index == 0 ? "(" : ", (") + (1...columns.count).map { "$\(first + $0)" }.joined(separator: ", ") + ")"
                values += row
            }
            try await sql.execute(PostgresQuery(unsafeSQL: text, binds: PostgresImport.binds(values)))
        }
    }

    /// `table`'s checksum as PostgreSQL holds it, `columns` read in that order and typed by `kinds`.
    package func checksum(of table: String, columns: [String], kinds: [ColumnKind]) async throws -> TableChecksum {
        try await database.read { sql in
            var checksum = TableChecksum()
            let query = PostgresQuery(unsafeSQL: "SELECT \(columns.map(Self.quoted).joined(separator: ", ")) FROM \(Self.quoted(table))")
            try await sql.forEachRow(query) { row in
                var values: [CopiedValue] = []
                for (cell, kind) in zip(row, kinds) { values.append(try Self.value(cell, kind: kind)) }
                checksum.add(values)
            }
            return checksum
        }
    }

    private static func value(_ cell: PostgresCell, kind: ColumnKind) throws -> CopiedValue {
        guard cell.bytes != nil else { return .null }
        return switch kind {
        case .text: .text(try cell.decode(String.self))
        case .integer: .integer(try cell.decode(Int64.self))
        case .boolean: .boolean(try cell.decode(Bool.self))
        case .timestamp: .timestamp(try cell.decode(Date.self))
        case .bytes: .bytes(Data(buffer: try cell.decode(ByteBuffer.self)))
        case .double: .double(try cell.decode(Double.self))
        case .list: .list(try cell.decode([Int64].self))
        }
    }

    static func binds(_ values: [CopiedValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .text(let text): bindings.append(text)
            case .integer(let number): bindings.append(number)
            case .boolean(let flag): bindings.append(flag)
            case .timestamp(let date): bindings.append(date)
            case .bytes(let data): bindings.append(ByteBuffer(bytes: data))
            case .double(let number): bindings.append(number)
            case .list(let numbers): bindings.append(numbers)
            }
        }
        return bindings
    }

    /// A table or column name as an SQL identifier. (Names come from the schema, never from input.)
    static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}
