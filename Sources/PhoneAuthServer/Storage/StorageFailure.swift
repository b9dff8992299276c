import PhoneAuthCore
import PhoneAuthPostgres
import PhoneAuthSQLite

/// Reads an error from either backend (so no layer above storage needs to know the drivers' error types).
enum StorageFailure {
    /// Whether `error`, thrown by a repository, means the database is unavailable rather than a bug.
    static func unavailable(_ error: any Error) -> StorageUnavailable? {
        if let error = error as? StorageUnavailable { return error }
        return StorageUnavailable.postgres(error) ?? StorageUnavailable.sqlite(error)
    }

    /// What the database objected to, for the log (never the statement or its values); empty for other errors.
    static func diagnostics(of error: any Error) -> [String: String] {
        StorageUnavailable.postgresDiagnostics(of: error)
    }
}
