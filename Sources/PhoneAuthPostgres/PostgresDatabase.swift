import Foundation
import Logging
import NIOSSL
import PhoneAuthCore
import PostgresNIO

/// Owns the PostgreSQL connection pool (one `PostgresClient` per process, run as a service) and the schema.
/// Repositories are built on top of it; PostgreSQL SQL lives only under `Storage/PostgreSQL/`.
package struct PostgresDatabase: Sendable {
    package let client: PostgresClient
    package let logger: Logger
    /// How long a request waits for a pooled connection. The pool itself would queue a request for up to a minute while
    /// the server is unreachable; past this the request fails with 503 instead.
    let leaseTimeout: Duration
    /// What a lease that timed out says: with `sslmode=require` the likeliest cause is a server without TLS, which
    /// refuses every handshake while the pool keeps trying, so the wait alone would not say why.
    let leaseFailure: String
    /// Runs after every write transaction that may have changed a caller's state, committed or not (a lost COMMIT
    /// answer may still have committed), with whose.
    let afterWrite: @Sendable (CallerChange) -> Void
    /// Sent as the NOTIFY payload, so this process's own listener can skip its own writes (`afterWrite` covered them).
    let instanceID = UUID().uuidString
    /// Rung by every write that changed a caller's state, here or (heard by the change listener) in another instance:
    /// every event is written with such a change, so the revocation feed reads the log when it rang.
    package let bell = ChangeBell()

    package init(_ setting: PostgresSetting, logger: Logger, afterWrite: @escaping @Sendable (CallerChange) -> Void = { _ in }) {
        var configuration = PostgresClient.Configuration(
            host: setting.host, port: setting.port, username: setting.username, password: setting.password, database: setting.database,
            tls: Self.tls(setting.tls))
        configuration.options.maximumConnections = setting.poolSize
        configuration.options.connectTimeout = setting.connectTimeout
        // The server aborts a statement that runs longer, so a stuck query cannot hold a pooled connection for ever.
        configuration.options.additionalStartupParameters = [("statement_timeout", "\(setting.statementTimeout.milliseconds)")]
        // The pool logs every failed connection attempt at info, once per backoff step: warnings and up only.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .warning)
        client = PostgresClient(configuration: configuration, backgroundLogger: quiet)
        self.logger = quiet
        leaseTimeout = setting.connectTimeout
        leaseFailure =
            "no database connection within \(setting.connectTimeout)"
            + (setting.tls == .require ? " (sslmode=require: does the server offer TLS? Without it every connection is refused)" : "")
        self.afterWrite = afterWrite
    }

    private static func tls(_ mode: PostgresSetting.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
    }

    /// Reads outside a transaction. (Every change goes through `write`, so the change listeners hear of it.)
    func read<Value: Sendable>(_ body: @escaping @Sendable (PostgresExecutor) async throws -> Value) async throws -> Value {
        try await withLeaseDeadline { leased in
            try await client.withConnection { connection in
                leased.mark()
                return try await body(PostgresExecutor(connection: connection, logger: logger))
            }
        }
    }

    /// One transaction: committed when `body` returns, rolled back when it throws. (Not postgres-nio's
    /// `withTransaction`: after the server dropped the connection it sends `ROLLBACK` anyway, and a query written to a
    /// closed channel never completes, so the request hung for good.)
    /// `affecting`: whose cached state it may change (`CallerChange`). `.nobody` for a transaction that touches no table
    /// a caller's state or address book is read from (the send log, codes, wrong guesses, challenges, idempotency keys,
    /// activity counters, the audit log): no instance's auth-state cache is emptied for it; `.user` empties that user's
    /// entries only, in every instance.
    func write<Value: Sendable>(
        affecting change: CallerChange = .everyone, _ body: @escaping @Sendable (PostgresExecutor) async throws -> Value
    ) async throws -> Value {
        try await writeReporting(unknown: change) { sql in (try await body(sql), change) }
    }

    /// `write`, for a transaction that learns whose state it changed as it runs (a sign-in, a refresh): `body` says.
    /// `unknown`: what is emptied when `body` throws (a transaction that failed part-way may still have committed).
    func writeReporting<Value: Sendable>(
        unknown: CallerChange = .everyone, _ body: @escaping @Sendable (PostgresExecutor) async throws -> (Value, CallerChange)
    ) async throws -> Value {
        let change = Locked(unknown)
        defer {
            let changed = change.withLock { $0 }
            if changed != .nobody {
                bell.ring()
                afterWrite(changed)
            }
        }
        return try await withLeaseDeadline { leased in
            try await client.withConnection { connection in
                leased.mark()
                let sql = PostgresExecutor(connection: connection, logger: logger)
                try await sql.execute("BEGIN")
                do {
                    let (value, changed) = try await body(sql)
                    change.withLock { $0 = changed }
                    // Every instance's auth-state cache hears of the change, if and when it commits.
                    if let payload = PostgresChangeListener.payload(changed, from: instanceID) {
                        try await sql.execute("SELECT pg_notify(\(PostgresChangeListener.channel), \(payload))")
                    }
                    try await sql.execute("COMMIT")
                    return value
                } catch {
                    // After a lost connection the server has rolled back already (and a ROLLBACK written to it would
                    // wait for ever). Any other failure, ours or the server's (read-only, statement timeout, disk
                    // full), leaves the transaction open and aborted: roll it back, or the pool hands the connection
                    // to the next request in that state ("current transaction is aborted", 25P02).
                    if !Self.lostConnection(error), !connection.isClosed { try? await sql.execute("ROLLBACK") }
                    throw error
                }
            }
        }
    }

    /// Whether `error` means the connection itself is gone: a client-side failure, class 08, or the server shutting
    /// down or crashing (57P01–57P03).
    static func lostConnection(_ error: any Error) -> Bool {
        if let error = error as? PostgresTransactionError {
            return [error.beginError, error.closureError, error.commitError].contains { $0.map(lostConnection) ?? false }
        }
        guard let error = error as? PSQLError else { return error is StorageUnavailable }
        guard let state = error.serverInfo?[.sqlState] else { return error.code != .server }
        return state.hasPrefix("08") || state.hasPrefix("57P")
    }

    /// Runs `operation`, failing with `StorageUnavailable` when it has not leased a connection within `leaseTimeout`.
    /// Once leased, the statement timeout bounds it instead.
    private func withLeaseDeadline<Value: Sendable>(_ operation: @escaping @Sendable (LeaseFlag) async throws -> Value) async throws -> Value {
        let leased = LeaseFlag()
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask { try await operation(leased) }
            group.addTask { [leaseTimeout, leaseFailure] in
                try await Task.sleep(for: leaseTimeout)
                if leased.isSet { return nil }
                throw StorageUnavailable(reason: leaseFailure)
            }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let value = result { return value }
            }
            throw StorageUnavailable(reason: "the database operation ended without a result")
        }
    }

    /// A notification on the change channel (or `channel`), outside any transaction (the listener's heartbeat, its probe).
    func notify(_ payload: String, channel: String = PostgresChangeListener.channel) async throws {
        _ = try await read { try await $0.rows("SELECT pg_notify(\(channel), \(payload))") }
    }

    /// One round trip, for health checks.
    package func ping() async throws {
        _ = try await read { try await $0.rows("SELECT 1") }
    }
}

/// Set once a connection is leased.
final class LeaseFlag: Sendable {
    private let value = Locked(false)
    var isSet: Bool { value.withLock { $0 } }
    func mark() { value.withLock { $0 = true } }
}

/// A leased connection with the logger its queries go to. `PostgresQuery` interpolation binds parameters; it never
/// splices text into the SQL.
struct PostgresExecutor {
    let connection: PostgresConnection
    let logger: Logger

    /// The whole result, random-access by column name.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        // A query written to a closed connection would wait for ever (see `PostgresDatabase.write`).
        guard !connection.isClosed else { throw StorageUnavailable(reason: "the database connection is closed") }
        var result: [PostgresRandomAccessRow] = []
        for try await row in try await connection.query(query, logger: logger) {
            result.append(row.makeRandomAccess())
        }
        return result
    }

    /// Each row as it arrives, none kept: for reading a whole table in bounded memory.
    func forEachRow(_ query: PostgresQuery, _ body: (PostgresRow) throws -> Void) async throws {
        guard !connection.isClosed else { throw StorageUnavailable(reason: "the database connection is closed") }
        for try await row in try await connection.query(query, logger: logger) { try body(row) }
    }

    func row(_ query: PostgresQuery) async throws -> PostgresRandomAccessRow? {
        try await rows(query).first
    }

    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// Serialises this transaction against every other one, in every instance, that takes the same lock; released at
    /// commit or rollback.
    func lock(_ name: String) async throws {
        try await execute("SELECT pg_advisory_xact_lock(hashtextextended(\(name), 0))")
    }

    /// The three locks in one statement, taken in this order (PostgreSQL evaluates a select list left to right).
    func lock(_ first: String, _ second: String, _ third: String) async throws {
        try await execute(
            """
            SELECT pg_advisory_xact_lock(hashtextextended(\(first), 0)), pg_advisory_xact_lock(hashtextextended(\(second), 0)),
            pg_advisory_xact_lock(hashtextextended(\(third), 0))
            """)
    }
}
