import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Sees commits by every instance: each write transaction sends `NOTIFY phoneauth_changes` (delivered only if it
/// commits), and this service `LISTEN`s on a connection of its own. While that connection is down the cache cannot
/// know what it missed, so it is bypassed; once the listener is back it empties the cache and serves from it again.
final class PostgresChangeListener: StorageChangeSignal, Service {
    static let channel = "phoneauth_changes"

    private let setting: PostgresSetting
    private let logger: Logger
    private let cache: AuthStateCache
    private let live = Mutex(false)
    /// This instance's own NOTIFY payload: its writes emptied the cache already, so their echo is skipped. Any other
    /// payload (another instance, or a bare `NOTIFY phoneauth_changes;` after a manual edit) empties it.
    private let ownID: String

    init(setting: PostgresSetting, cache: AuthStateCache, ownID: String, logger: Logger) {
        self.setting = setting
        self.cache = cache
        self.ownID = ownID
        self.logger = logger
    }

    func validate(_ cache: AuthStateCache) async -> Bool { live.withLock { $0 } }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var backoff: Duration = .milliseconds(100)
            while !Task.isCancelled {
                do {
                    try await self.listenUntilDisconnected()
                    backoff = .milliseconds(100)
                } catch {
                    self.logger.warning("change listener disconnected; the auth-state cache is bypassed", metadata: ["error": "\(error)"])
                }
                self.live.withLock { $0 = false }
                try? await Task.sleep(for: backoff)
                backoff = min(backoff * 2, .seconds(2))
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

    private func listenUntilDisconnected() async throws {
        let connection = try await PostgresConnection.connect(
            configuration: .init(
                host: setting.host, port: setting.port, username: setting.username, password: setting.password, database: setting.database,
                tls: try Self.tls(setting.tls)),
            id: 0, logger: logger)
        defer { Task { try? await connection.close() } }
        try await connection.listen(on: Self.channel) { notifications in
            // Whatever changed while nobody listened is unknown: start from an empty cache.
            cache.invalidateAll()
            live.withLock { $0 = true }
            for try await notification in notifications where notification.payload != ownID { cache.invalidateAll() }
        }
    }
}
