import Foundation

/// What a column holds, in one vocabulary for both backends' declared types (`SchemaParityTests` compares the schemas
/// in it; copying a database converts each value by it).
package enum ColumnKind: String, Sendable, Equatable {
    case text, integer, boolean, timestamp, bytes, double
    /// A list of integers: an array on PostgreSQL, JSON text on SQLite (`send_budgets`).
    case list

    /// From a type as SQLite's `PRAGMA table_info` or PostgreSQL's `information_schema.columns.data_type` declares
    /// it; nil for a type no migration declares.
    package init?(declared: String) {
        switch declared.lowercased() {
        case "text": self = .text
        case "integer", "bigint": self = .integer
        case "boolean": self = .boolean
        case "datetime", "timestamp with time zone": self = .timestamp
        case "blob", "bytea": self = .bytes
        case "double", "double precision": self = .double
        case "json", "array": self = .list
        default: return nil
        }
    }
}

/// One value of a row being copied between backends, typed by its column's `ColumnKind`.
package enum CopiedValue: Sendable, Equatable {
    case null
    case text(String)
    case integer(Int64)
    case boolean(Bool)
    case timestamp(Date)
    case bytes(Data)
    case double(Double)
    case list([Int64])

    /// The same text for the same value on either backend: a timestamp to the millisecond (SQLite keeps no more), a
    /// double by its bits.
    package var canonical: String {
        switch self {
        case .null: "null"
        case .text(let text): "t" + text
        case .integer(let value): "i\(value)"
        case .boolean(let value): value ? "b1" : "b0"
        case .timestamp(let date): "d\(Int64((date.timeIntervalSince1970 * 1_000).rounded()))"
        case .bytes(let data): "x" + data.map { String(format: "%02x", $0) }.joined()
        case .double(let value): "f" + String(value.bitPattern, radix: 16)
        case .list(let values): "l" + values.map(String.init).joined(separator: ",")
        }
    }
}
