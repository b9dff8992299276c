import Foundation
import GRDB
import PostgresNIO
import _ConnectionPoolModule

/// The database cannot be used right now (unreachable, restarting, locked past the busy timeout, read-only, full).
/// Answered as 503 `storage_unavailable`: retrying later helps, and nothing was half-written (every change is one
/// transaction).
struct StorageUnavailable: Error, CustomStringConvertible {
    var reason: String

    var description: String { "storage unavailable: \(reason)" }

    /// Whether `error`, thrown by a repository, means the database is unavailable rather than a bug.
    static func classify(_ error: any Error) -> StorageUnavailable? {
        switch error {
        case let error as StorageUnavailable:
            return error
        case is ConnectionPoolError:
            return StorageUnavailable(reason: "no database connection")
        case let error as PostgresTransactionError:
            return [error.beginError, error.closureError, error.commitError].compactMap { $0.flatMap(classify) }.first
        case let error as PSQLError:
            // Server errors of class 08 (connection), 53 (insufficient resources: disk full, out of memory, too many
            // connections), 57 (operator intervention: shutdown, restart, statement timeout) and 25006 (a read-only
            // database or standby); client-side connection failures have no SQLSTATE.
            guard let state = error.serverInfo?[.sqlState] else {
                return error.code == .server ? nil : StorageUnavailable(reason: "database connection failed (\(error.code))")
            }
            let unavailable = ["08", "53", "57"].contains { state.hasPrefix($0) } || state == "25006"
            return unavailable ? StorageUnavailable(reason: "database server refused (\(state))") : nil
        case let error as DatabaseError:
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_READONLY, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_PROTOCOL:
                return StorageUnavailable(reason: "SQLite: \(error.resultCode)")
            default:
                return nil
            }
        default:
            return nil
        }
    }

    /// What the database objected to, for the log: PostgreSQL's SQLSTATE and error code, never the statement or its
    /// values; empty for other errors. (So no layer above storage needs to know the drivers' error types.)
    static func diagnostics(of error: any Error) -> [String: String] {
        guard let psql = error as? PSQLError else { return [:] }
        return ["sqlstate": psql.serverInfo?[.sqlState] ?? "none", "psql_code": "\(psql.code)"]
    }
}
