import Foundation
import GRDB
import NIOPosix

/// Owns the SQLite connection pool and the schema. Repositories are built on top of it; no SQL lives outside `Storage/`.
struct AppDatabase: Sendable {
    let writer: any DatabaseWriter

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try Migrations.migrator.migrate(writer)
    }

    /// A WAL-mode pool on a file, creating its folder when missing. Opening and migrating wait on disk syncs, so they
    /// run on the blocking-I/O pool rather than on Swift's few cooperative threads.
    static func open(path: String) async throws -> AppDatabase {
        try await NIOThreadPool.singleton.runIfActive {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return try AppDatabase(DatabasePool(path: path, configuration: configuration))
        }
    }

    /// An in-memory database for fast unit tests.
    static func inMemory() throws -> AppDatabase {
        try AppDatabase(DatabaseQueue(configuration: configuration))
    }

    private static var configuration: Configuration {
        var config = Configuration()
        config.foreignKeysEnabled = true
        // Writers queue behind each other instead of failing with SQLITE_BUSY.
        config.busyMode = .timeout(5)
        return config
    }

    /// One round trip, for health checks.
    func ping() async throws {
        _ = try await writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
