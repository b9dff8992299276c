import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PhoneAuthCore
import PostgresNIO
import ServiceLifecycle

/// Sees commits by every instance: each write transaction sends `NOTIFY phoneauth_changes` (delivered only if it
/// commits), and this service `LISTEN`s on a connection of its own. It vouches for the auth-state cache only while
/// it can prove it hears: every `heartbeat` it sends a NOTIFY of its own through the pool, and unless that comes back
/// on the LISTEN connection within `staleAfter` (`ListenerLiveness`) the cache is bypassed, a warning says why, and the
/// connection is made again. That covers what an open socket hides: a NAT or firewall that dropped the connection's
/// state, and PgBouncer in transaction pooling, where LISTEN lands on a server connection that is then handed on
/// (`--database-listen-url` gives the listener a direct connection).
package final class PostgresChangeListener: StorageChangeSignal, Service {
    static let channel = "phoneauth_changes"
    /// Heartbeat payloads start with this. Another instance's heartbeat changes nothing and empties no cache.
    static let heartbeatPrefix = "heartbeat:"
    static let heartbeat: Duration = .milliseconds(1000)
    static let staleAfter: Duration = .seconds(3)

    private struct State {
        var liveness = ListenerLiveness(staleAfter: PostgresChangeListener.staleAfter)
        /// The trouble a warning was logged for in this episode of not vouching; nil once live again.
        var warned: ListenerLiveness.Standing?
    }

    /// Where LISTEN connects: `--database-listen-url`, or the database itself.
    private let endpoint: PostgresSetting
    /// Heartbeats go through the pool, the way every change does.
    private let database: PostgresDatabase
    private let logger: Logger
    private let cache: AuthStateCache
    private let state = Locked(State())
    /// This instance's own NOTIFY payloads start with it: its writes emptied the cache already, so their echo is
    /// skipped. Any other payload empties what it names (`payload(_:from:)`), or everything (another release's bare
    /// instance id, a bare `NOTIFY phoneauth_changes;` after a manual edit).
    private let ownID: String
    private var ownHeartbeat: String { Self.heartbeatPrefix + ownID }

    /// What a write that changed `change` notifies, from the instance `instanceID`: the instance id alone for anybody's
    /// state (what earlier releases sent for every change, so a fleet mid-upgrade still empties every cache), with
    /// ` user N` after it for one user's; nil for nobody's.
    static func payload(_ change: CallerChange, from instanceID: String) -> String? {
        switch change {
        case .nobody: nil
        case .everyone: instanceID
        case .user(let id): "\(instanceID) user \(id)"
        }
    }

    /// What a payload that is not a heartbeat says changed, and whether this instance sent it.
    static func change(in payload: String, ownID: String) -> (CallerChange, own: Bool) {
        let parts = payload.split(separator: " ")
        let own = parts.first.map(String.init) == ownID
        if parts.count == 3, parts[1] == "user", let id = Int64(parts[2]) { return (.user(id), own) }
        return (.everyone, own)
    }

    package init(endpoint: PostgresSetting, database: PostgresDatabase, cache: AuthStateCache, logger: Logger) {
        self.endpoint = endpoint
        self.database = database
        self.cache = cache
        ownID = database.instanceID
        self.logger = logger
    }

    package func validate(_ cache: AuthStateCache) async -> Bool {
        state.withLock { $0.liveness.standing(at: .now) == .live }
    }

    package var health: ChangeSignalHealth {
        state.withLock { state in
            let now = ContinuousClock.now
            let standing = state.liveness.standing(at: now)
            return ChangeSignalHealth(
                state: standing.label, vouches: standing == .live, reason: standing.explanation,
                heartbeatAgeSeconds: state.liveness.heartbeatAge(at: now))
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.sendHeartbeats() }
                group.addTask { await self.listenUntilCancelled() }
                await group.waitForAll()
            }
        }
    }

    private func sendHeartbeats() async {
        while !Task.isCancelled {
            // A failure shows as a missing echo; the pool's own errors are logged by the requests that meet them.
            try? await database.notify(ownHeartbeat)
            try? await Task.sleep(for: Self.heartbeat)
        }
    }

    private func listenUntilCancelled() async {
        var backoff: Duration = .milliseconds(100)
        while !Task.isCancelled {
            let reason: ListenerLiveness.Standing
            do {
                reason = try await listenUntilDeafOrDisconnected()
                backoff = .milliseconds(100)
            } catch {
                reason = .disconnected
                if !Task.isCancelled { warnOnce(.disconnected, error: error) }
            }
            state.withLock { $0.liveness.disconnected(because: reason) }
            // A connection that never heard a heartbeat (PgBouncer) is retried slowly: each try leaves a LISTEN on
            // some pooled server connection.
            try? await Task.sleep(for: reason == .neverHeard ? .seconds(10) : backoff)
            backoff = min(backoff * 2, .seconds(2))
        }
    }

    /// One LISTEN connection, until it fails (thrown) or stops hearing its heartbeat (closed; the reason returned).
    private func listenUntilDeafOrDisconnected() async throws -> ListenerLiveness.Standing {
        let connection = try await Self.connect(endpoint, timeout: endpoint.connectTimeout, logger: logger)
        state.withLock { $0.liveness.connected(at: .now) }
        guard try await hearsItself(on: connection) else {
            try? await connection.close()
            warnOnce(.neverHeard)
            return .neverHeard
        }
        let deafness = Shared<ListenerLiveness.Standing?>(nil)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await connection.listen(on: Self.channel) { notifications in
                        // Vouch as soon as LISTEN is in place, not a heartbeat period later.
                        try? await self.database.notify(self.ownHeartbeat)
                        for try await notification in notifications { self.heard(notification.payload) }
                    }
                }
                group.addTask {
                    let reason = try await self.watch()
                    deafness.set(reason)
                    try? await connection.close()
                }
                defer { group.cancelAll() }
                try await group.next()
            }
        } catch {
            try? await connection.close()
            // Closing a deaf connection fails the LISTEN too; that failure is ours, not the connection's.
            if let reason = deafness.current { return reason }
            throw error
        }
        try? await connection.close()
        return deafness.current ?? .disconnected
    }

    /// Whether this connection hears a NOTIFY sent through the pool, tried on a channel of its own that nobody else
    /// listens on. Behind PgBouncer in transaction pooling it does not: LISTEN lands on a server connection that is then
    /// handed to other clients. There a LISTEN on the shared channel is worse than useless: a notification that an
    /// earlier LISTEN left on the pooled server connection can arrive while postgres-nio (1.33.2) still waits for the
    /// LISTEN to complete, and its listen state machine then stops the process ("Invalid state: starting"). So the
    /// shared channel is listened on only where the probe came back.
    private func hearsItself(on connection: PostgresConnection) async throws -> Bool {
        let probe = "phoneauth_probe_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await connection.listen(on: probe) { notifications in
                    try await self.database.notify("probe", channel: probe)
                    for try await _ in notifications { return true }
                    return false
                }
            }
            group.addTask {
                try await Task.sleep(for: Self.staleAfter)
                return false
            }
            defer { group.cancelAll() }
            return try await group.next() ?? false
        }
    }

    private func heard(_ payload: String) {
        if payload == ownHeartbeat {
            let (echo, warned) = state.withLock { state in
                let echo = state.liveness.heardEcho(at: .now)
                defer { if echo != .stillLive { state.warned = nil } }
                return (echo, state.warned)
            }
            // Whatever changed while nobody could vouch (or a read stored just before the connection went deaf) is
            // unknown: start from an empty cache.
            if echo == .liveAgain { cache.invalidateAll() }
            if echo != .stillLive, warned != nil {
                logger.warning("change listener hears its heartbeat again; the auth-state cache is used again")
            }
        } else if !payload.hasPrefix(Self.heartbeatPrefix) {
            let (change, own) = Self.change(in: payload, ownID: ownID)
            if !own {
                cache.invalidate(change)
                database.bell.ring()
            }
        }
    }

    /// Returns once the connection has been deaf for `staleAfter` (having warned), so a dead socket cannot hold the
    /// listener.
    private func watch() async throws -> ListenerLiveness.Standing {
        while true {
            try await Task.sleep(for: Self.heartbeat / 4)
            guard let deafness = state.withLock({ $0.liveness.deafness(at: .now) }) else { continue }
            warnOnce(deafness)
            return deafness
        }
    }

    /// One warning per episode of not vouching (a reconnect loop does not repeat it every two seconds).
    private func warnOnce(_ standing: ListenerLiveness.Standing, error: (any Error)? = nil) {
        let first = state.withLock { state in
            defer { state.warned = standing }
            return state.warned != standing
        }
        guard first else { return }
        var metadata: Logger.Metadata = ["listener": "\(endpoint.redacted)", "state": "\(standing.label)"]
        if let error { metadata["error"] = "\(String(reflecting: error))" }
        logger.warning(
            "auth-state cache bypassed: \(standing.explanation ?? standing.label); every request reads the database",
            metadata: metadata)
    }

    /// A connection with TCP keepalive (the kernel notices a peer that vanished, in about 11 s here), the startup
    /// handshake bounded by `timeout` (a black-holed peer would otherwise hold it for ever).
    private static func connect(_ setting: PostgresSetting, timeout: Duration, logger: Logger) async throws -> PostgresConnection {
        try await withDeadline(timeout) {
            var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(Int64(timeout.milliseconds)))
                .channelOption(.socketOption(.so_keepalive), value: 1)
            #if os(Linux)
                bootstrap =
                    bootstrap
                    .channelOption(.tcpOption(.init(rawValue: TCP_KEEPIDLE)), value: 5)
                    .channelOption(.tcpOption(.init(rawValue: TCP_KEEPINTVL)), value: 2)
                    .channelOption(.tcpOption(.init(rawValue: TCP_KEEPCNT)), value: 3)
            #endif
            let channel = try await bootstrap.connect(host: setting.host, port: setting.port).get()
            do {
                let configuration = PostgresConnection.Configuration(
                    establishedChannel: channel, tls: try tls(setting.tls), username: setting.username, password: setting.password,
                    database: setting.database)
                let connection = try await PostgresConnection.connect(on: channel.eventLoop, configuration: configuration, id: 0, logger: logger)
                // Made just as the deadline passed: nobody will use it.
                if Task.isCancelled {
                    try? await connection.close()
                    throw CancellationError()
                }
                return connection
            } catch {
                try? await channel.close()
                throw error
            }
        }
    }

    private static func tls(_ mode: PostgresSetting.TLSMode) throws -> PostgresConnection.Configuration.TLS {
        switch mode {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
    }

    private static func withDeadline<Value: Sendable>(
        _ limit: Duration, _ body: @escaping @Sendable () async throws -> Value
    )
        async throws -> Value
    {
        try await withThrowingTaskGroup(of: Value.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw StorageUnavailable(reason: "the change listener could not connect within \(limit)")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
