import Foundation
import GRDB
import Synchronization

/// Sees every commit to the SQLite file, by this process or any other (the admin CLI, a second server), through
/// `PRAGMA data_version` on a connection of its own: SQLite changes that number whenever another connection commits.
/// One cheap statement per request, no table read.
final class SQLiteChangeSignal: StorageChangeSignal {
    private let connection: DatabaseQueue
    private let seen = Mutex<Int?>(nil)

    init(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        connection = try DatabaseQueue(path: path, configuration: configuration)
    }

    func validate(_ cache: AuthStateCache) async -> Bool {
        guard let version = try? await connection.read({ db in try Int.fetchOne(db, sql: "PRAGMA data_version") }) else { return false }
        let changed = seen.withLock { seen in
            defer { seen = version }
            return seen != version
        }
        if changed { cache.invalidateAll() }
        return true
    }
}
