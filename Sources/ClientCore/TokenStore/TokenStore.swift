import Foundation

/// Where a client keeps its credentials, one entry per server URL.
public protocol TokenStore: Sendable {
    /// The credentials kept for `server`, or nil when signed out.
    func load(server: URL) throws(TokenStoreError) -> StoredCredentials?
    /// Keeps `credentials` for `server`, replacing what was there.
    func save(_ credentials: StoredCredentials, server: URL) throws(TokenStoreError)
    /// Forgets the credentials for `server`.
    func clear(server: URL) throws(TokenStoreError)
}

/// Why the store could not do its job. A corrupt file has already been moved aside: the client is logged out.
public enum TokenStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read as credentials; it was renamed to `movedTo`.
    case corruptFileMovedAside(original: String, movedTo: String)
    /// The file exists but cannot be read.
    case unreadable(path: String, reason: String)
    /// The file or its folder cannot be written.
    case unwritable(path: String, reason: String)

    /// One line for people.
    public var description: String {
        switch self {
        case .corruptFileMovedAside(let original, let movedTo):
            "\(original) was not valid and has been moved to \(movedTo); you are logged out"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}

/// Keeps credentials in memory only (tests, or apps that hold them elsewhere).
public final class InMemoryTokenStore: TokenStore, @unchecked Sendable {
    // NSLock rather than Mutex: ClientCore also builds for iOS 17, where Synchronization's Mutex is unavailable.
    private let lock = NSLock()
    private var entries: [String: StoredCredentials] = [:]

    /// An empty store.
    public init() {}

    /// The credentials kept for `server`, or nil.
    public func load(server: URL) throws(TokenStoreError) -> StoredCredentials? {
        lock.withLock { entries[FileTokenStore.key(for: server)] }
    }

    /// Keeps `credentials` for `server`.
    public func save(_ credentials: StoredCredentials, server: URL) throws(TokenStoreError) {
        lock.withLock { entries[FileTokenStore.key(for: server)] = credentials }
    }

    /// Forgets the credentials for `server`.
    public func clear(server: URL) throws(TokenStoreError) {
        _ = lock.withLock { entries.removeValue(forKey: FileTokenStore.key(for: server)) }
    }
}
