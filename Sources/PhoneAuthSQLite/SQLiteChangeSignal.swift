import Foundation
import PhoneAuthCore

/// Keeps the auth-state cache exact on SQLite: before every cached read, a commit anyone made since (`SQLiteDataVersion`)
/// empties it, and a version it cannot read bypasses it for that request. Run through GRDB's async queue instead, the
/// check cost a third of a cached request's throughput.
final class SQLiteChangeSignal: StorageChangeSignal {
    private let version: SQLiteDataVersion

    init(path: String) throws {
        version = try SQLiteDataVersion(path: path)
    }

    func validate(_ cache: AuthStateCache) async -> Bool {
        guard let changed = version.changedSinceAsked() else { return false }
        if changed { cache.invalidateAll() }
        return true
    }
}
