import Foundation
import GRDB
import NIOPosix
import PhoneAuthCore

/// Owns the SQLite connection pool and the schema. Repositories are built on top of it; SQLite SQL lives only here, under
/// `Storage/SQLite/`.
package struct SQLiteDatabase: Sendable {
    package let writer: any DatabaseWriter
    /// The schema versions opening this file applied.
    package let appliedAtOpen: [String]

    package init(_ writer: any DatabaseWriter) throws {
        self.writer = writer
        let before = try writer.read { db in try SQLiteMigrations.migrator.appliedIdentifiers(db) }
        try SQLiteMigrations.migrator.migrate(writer)
        let after = try writer.read { db in try SQLiteMigrations.migrator.appliedIdentifiers(db) }
        appliedAtOpen = SQLiteMigrations.migrator.migrations.filter { after.contains($0) && !before.contains($0) }
    }

    /// A WAL-mode pool on a file, creating its folder when missing. Opening and migrating wait on disk syncs, so they
    /// run on the blocking-I/O pool rather than on Swift's few cooperative threads.
    package static func open(path: String) async throws -> SQLiteDatabase {
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
        config.busyMode = .timeout(TimeInterval(busyMilliseconds) / 1_000)
        return config
    }

    /// For health checks: takes the write lock and reads the schema, then rolls back. It fails within a second when
    /// another process has held the write lock that long (every write would fail too), or the file cannot be read.
    package func ping() async throws {
        try await writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = \(Self.pingBusyMilliseconds)")
            defer { try? db.execute(sql: "PRAGMA busy_timeout = \(Self.busyMilliseconds)") }
            try db.inTransaction(.immediate) {
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                return .rollback
            }
        }
    }

    private static let busyMilliseconds = 5_000
    private static let pingBusyMilliseconds = 1_000
}
