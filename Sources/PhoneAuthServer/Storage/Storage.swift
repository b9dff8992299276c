import Foundation
import Logging
import ServiceLifecycle

/// Every repository of one backend, opened and migrated: what `buildApplication`, `migrate` and the `admin` commands
/// receive, so each works the same on SQLite and PostgreSQL.
struct Storage: Sendable {
    var users: any UserRepository
    var sessions: any SessionRepository
    var signIn: any SignInRepository
    var ranges: any RangeRepository
    var idempotency: any IdempotencyRepository
    var addresses: any AddressRepository
    var admin: any AdminRepository
    var housekeeping: any HousekeepingRepository
    var challenges: any ChallengeRepository
    var audit: any AuditRepository
    var activity: any ActivityRepository
    /// One round trip, for `/health`.
    var ping: @Sendable () async throws -> Void
    /// Brings the schema up to date (once `services` run); safe when several instances start at once.
    var migrate: @Sendable () async throws -> Void
    /// What the backend needs running while it is used (PostgreSQL's connection pool); none for SQLite.
    var services: [any Service]
    /// What keeps the auth-state cache exact; nil when no cache was asked for.
    var changeSignal: (any StorageChangeSignal)?

    /// `cache`: the auth-state cache this storage must keep exact (nil: no cache).
    static func sqlite(_ database: SQLiteDatabase, cache: AuthStateCache? = nil) throws -> Storage {
        var storage = Storage(
            users: SQLiteUserRepository(database: database), sessions: SQLiteSessionRepository(database: database),
            signIn: SQLiteSignInRepository(database: database), ranges: SQLiteRangeRepository(database: database),
            idempotency: SQLiteIdempotencyRepository(database: database), addresses: SQLiteAddressRepository(database: database),
            admin: SQLiteAdminRepository(database: database), housekeeping: SQLiteHousekeepingRepository(database: database),
            challenges: SQLiteChallengeRepository(database: database), audit: SQLiteAuditRepository(database: database),
            activity: SQLiteActivityRepository(database: database),
            ping: { try await database.ping() },
            migrate: {},  // done when the file was opened
            services: [])
        if cache != nil { storage.changeSignal = try SQLiteChangeSignal(path: database.writer.path) }
        return storage
    }

    /// The pool is not running yet: run `services` (the application does) before the first query, or use `with`.
    static func postgres(_ database: PostgresDatabase, listener: PostgresChangeListener? = nil) -> Storage {
        var storage = Storage(
            users: PostgresUserRepository(database: database), sessions: PostgresSessionRepository(database: database),
            signIn: PostgresSignInRepository(database: database), ranges: PostgresRangeRepository(database: database),
            idempotency: PostgresIdempotencyRepository(database: database), addresses: PostgresAddressRepository(database: database),
            admin: PostgresAdminRepository(database: database), housekeeping: PostgresHousekeepingRepository(database: database),
            challenges: PostgresChallengeRepository(database: database), audit: PostgresAuditRepository(database: database),
            activity: PostgresActivityRepository(database: database),
            ping: { try await database.ping() },
            migrate: { try await PostgresMigrations.migrate(database) }, services: [database.client])
        if let listener {
            storage.changeSignal = listener
            storage.services.append(listener)
        }
        return storage
    }

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
            let database = PostgresDatabase(postgres, logger: logger, afterWrite: { cache.invalidateAll() })
            let listener = PostgresChangeListener(endpoint: listen ?? postgres, database: database, cache: cache, logger: database.logger)
            return .postgres(database, listener: listener)
        }
    }

    /// For one-shot commands: opens the backend, runs its services while `body` runs, migrates, then stops them.
    static func with<Value: Sendable>(_ setting: DatabaseSetting, logger: Logger, _ body: @Sendable (Storage) async throws -> Value)
        async throws -> Value
    {
        let storage = try await open(setting, logger: logger)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            for service in storage.services { group.addTask { try await service.run(); return nil } }
            defer { group.cancelAll() }
            try await storage.migrate()
            return try await body(storage)
        }
    }
}
