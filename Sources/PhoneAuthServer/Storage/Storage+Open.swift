import Logging
import PhoneAuthCore
import PhoneAuthPostgres
import PhoneAuthSQLite

extension Storage {
    /// Opens the configured backend. SQLite is migrated here; PostgreSQL once its pool runs (`migrate` below).
    /// `listen`: where PostgreSQL's change listener connects when not to the database itself (past PgBouncer).
    static func open(_ setting: DatabaseSetting, listen: PostgresSetting? = nil, logger: Logger, cache: AuthStateCache? = nil)
        async throws -> Storage
    {
        switch setting {
        case .sqlite(let path):
            return try .sqlite(try await SQLiteDatabase.open(path: path), cache: cache)
        case .postgres(let postgres):
            guard let cache else { return .postgres(PostgresDatabase(postgres, logger: logger)) }
            // This instance's own writes empty its cache at once; other instances' arrive by NOTIFY.
            let database = PostgresDatabase(postgres, logger: logger, afterWrite: { cache.invalidate($0) })
            let listener = PostgresChangeListener(endpoint: listen ?? postgres, database: database, cache: cache, logger: database.logger)
            return .postgres(database, listener: listener)
        }
    }

    /// For one-shot commands: opens the backend, runs its services while `body` runs, migrates (`migrationsApplied`
    /// says what), then stops them.
    static func with<Value: Sendable>(_ setting: DatabaseSetting, logger: Logger, _ body: @Sendable (Storage) async throws -> Value)
        async throws -> Value
    {
        let storage = try await open(setting, logger: logger)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            for service in storage.services { group.addTask { try await service.run(); return nil } }
            defer { group.cancelAll() }
            var migrated = storage
            migrated.migrationsApplied = try await storage.migrate()
            return try await body(migrated)
        }
    }
}
