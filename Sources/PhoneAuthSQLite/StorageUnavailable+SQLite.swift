import GRDB
import PhoneAuthCore

extension StorageUnavailable {
    /// Whether `error`, thrown by an SQLite repository, means the database is unavailable rather than a bug.
    package static func sqlite(_ error: any Error) -> StorageUnavailable? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED, .SQLITE_READONLY, .SQLITE_FULL, .SQLITE_IOERR, .SQLITE_CANTOPEN, .SQLITE_PROTOCOL:
            return StorageUnavailable(reason: "SQLite: \(error.resultCode)")
        default:
            return nil
        }
    }
}
