import PhoneAuthCore
import PostgresNIO
import _ConnectionPoolModule

extension StorageUnavailable {
    /// Whether `error`, thrown by a PostgreSQL repository, means the database is unavailable rather than a bug.
    package static func postgres(_ error: any Error) -> StorageUnavailable? {
        switch error {
        case let error as StorageUnavailable:
            return error
        case is ConnectionPoolError:
            return StorageUnavailable(reason: "no database connection")
        case let error as PostgresTransactionError:
            return [error.beginError, error.closureError, error.commitError].compactMap { $0.flatMap(postgres) }.first
        case let error as PSQLError:
            // Server errors of class 08 (connection), 53 (insufficient resources: disk full, out of memory, too many
            // connections), 57 (operator intervention: shutdown, restart, statement timeout) and 25006 (a read-only
            // database or standby); client-side connection failures have no SQLSTATE.
            guard let state = error.serverInfo?[.sqlState] else {
                return error.code == .server ? nil : StorageUnavailable(reason: "database connection failed (\(error.code))")
            }
            let unavailable = ["08", "53", "57"].contains { state.hasPrefix($0) } || state == "25006"
            return unavailable ? StorageUnavailable(reason: "database server refused (\(state))") : nil
        default:
            return nil
        }
    }

    /// What PostgreSQL objected to, for the log: its SQLSTATE and error code, never the statement or its values;
    /// empty for other errors.
    package static func postgresDiagnostics(of error: any Error) -> [String: String] {
        guard let psql = error as? PSQLError else { return [:] }
        return ["sqlstate": psql.serverInfo?[.sqlState] ?? "none", "psql_code": "\(psql.code)"]
    }
}
