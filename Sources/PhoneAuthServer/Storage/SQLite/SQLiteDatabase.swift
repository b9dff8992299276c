import Foundation
import GRDB
import NIOPosix

/// Owns the SQLite connection pool and the schema. Repositories are built on top of it; SQLite SQL lives only here, under
/// `Storage/SQLite/`.
struct SQLiteDatabase: Sendable {
    let writer: any DatabaseWriter

    init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        try SQLiteMigrations.migrator.migrate(writer)
    }

    /// A WAL-mode pool on a file, creating its folder when missing. Opening and migrating wait on disk syncs, so they
    /// run on the blocking-I/O pool rather than on Swift's few cooperative threads.
    static func open(path: String) async throws -> SQLiteDatabase {
        try await NIOThreadPool.singleton.runIfActive {
            try makePrivate(path: path)
            return try SQLiteDatabase(DatabasePool(path: path, configuration: configuration))
        }
    }

    /// The data folder is created 0700 and the database file 0600 before SQLite opens it: SQLite gives the `-wal` and
    /// `-shm` files the database file's mode, so all three stay private. Files left wider by an older version are
    /// tightened.
    static func makePrivate(path: String) throws {
        let files = FileManager.default
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !files.fileExists(atPath: folder) {
            try files.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !files.fileExists(atPath: path) {
            guard files.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ConfigError("cannot create the database file \(path)")
            }
        }
        for file in [path, path + "-wal", path + "-shm"] where files.fileExists(atPath: file) {
            try files.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
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
