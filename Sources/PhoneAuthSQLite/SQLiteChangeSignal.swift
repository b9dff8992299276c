import Foundation
import GRDB
import PhoneAuthCore
import Synchronization

/// Sees every commit to the SQLite file, by this process or any other (the admin CLI, a second server), through
/// `PRAGMA data_version` on a connection of its own: SQLite changes that number whenever another connection commits.
/// One statement per request, no table read, run in place: in WAL mode it only reads the WAL index in shared memory
/// and never waits on a writer, and with no busy timeout a lock it cannot take at once (WAL recovery) answers "cannot
/// tell", which bypasses the cache for that request, so the calling thread is never held. Run through GRDB's async
/// queue instead, it cost a third of a cached request's throughput.
final class SQLiteChangeSignal: StorageChangeSignal {
    private let connection: DatabaseQueue
    private let seen = Mutex<Int?>(nil)

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .immediateError
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    func validate(_ cache: AuthStateCache) async -> Bool {
        let version = try? connection.inDatabase { db in try Int.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) }
        guard let version = version ?? nil else { return false }
        let changed = seen.withLock { seen in
            defer { seen = version }
            return seen != version
        }
        if changed { cache.invalidateAll() }
        return true
    }
}
