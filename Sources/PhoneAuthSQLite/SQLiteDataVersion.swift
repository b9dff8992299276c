import Foundation
import GRDB
import PhoneAuthCore

/// Sees every commit to the SQLite file, by this process or any other (the admin CLI, a second server), through
/// `PRAGMA data_version` on a connection of its own: SQLite changes that number whenever another connection commits.
/// One statement, no table read, run in place: in WAL mode it only reads the WAL index in shared memory and never
/// waits on a writer, and with no busy timeout a lock it cannot take at once (WAL recovery) answers "cannot tell", so
/// the calling thread is never held. Each reader of it (the auth-state cache, the revocation feed) has its own.
final class SQLiteDataVersion: EventSignal {
    private let connection: DatabaseQueue
    private let seen = Locked<Int?>(nil)

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .immediateError
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    /// Whether a commit happened since the last question (true the first time); nil when it cannot tell.
    func changedSinceAsked() -> Bool? {
        let version = try? connection.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) }
        guard let version = version ?? nil else { return nil }
        return seen.withLock { seen in
            defer { seen = version }
            return seen != version
        }
    }

    func mayHaveChanged() -> Bool { changedSinceAsked() ?? true }
}
