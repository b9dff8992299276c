import Foundation

/// The last copy of the profile and the address book the server sent, with the `ETag`s to revalidate them.
public struct ProfileCache: Codable, Sendable, Equatable {
    /// The last profile the server sent.
    public var profile: UserProfile?
    /// Its version, for `If-None-Match` and `If-Match`.
    public var profileETag: String?
    /// The last address book the server sent.
    public var addresses: [Address]?
    /// Its version, for `If-None-Match`.
    public var addressesETag: String?
    /// When the server last confirmed or replaced this copy.
    public var lastSync: Date?
    /// Offline changes not yet pushed, oldest first.
    public var pending: [PendingEdit] = []

    /// An empty cache: nothing read yet, nothing queued.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case profile, addresses, pending
        case profileETag = "profile_etag"
        case addressesETag = "addresses_etag"
        case lastSync = "last_sync"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        profile = try container.decodeIfPresent(UserProfile.self, forKey: .profile)
        profileETag = try container.decodeIfPresent(String.self, forKey: .profileETag)
        addresses = try container.decodeIfPresent([Address].self, forKey: .addresses)
        addressesETag = try container.decodeIfPresent(String.self, forKey: .addressesETag)
        lastSync = try container.decodeIfPresent(Date.self, forKey: .lastSync)
        pending = try container.decodeIfPresent([PendingEdit].self, forKey: .pending) ?? []
    }
}

/// A value and whether it came from the cache because the server could not be reached.
public struct Cached<Value: Sendable>: Sendable {
    /// The value, fresh from the server or from the cache.
    public var value: Value
    /// True when read offline from the cache.
    public var isStale: Bool
    /// When the cached copy was last confirmed by the server.
    public var lastSync: Date?
}

/// Where the cache lives, one entry per server.
public protocol ProfileCacheStore: Sendable {
    /// The cache for `server`; an empty one when there is none.
    func load(server: URL) throws(TokenStoreError) -> ProfileCache
    /// Replaces the cache for `server`, atomically.
    func save(_ cache: ProfileCache, server: URL) throws(TokenStoreError)
}

/// `cache.json` next to the credentials, with the same private-file rules.
public struct FileProfileCacheStore: ProfileCacheStore {
    /// The folder holding `cache.json`.
    public let folder: URL

    /// A store in `folder` (created 0700 on first save).
    public init(folder: URL) {
        self.folder = folder
    }

    private var file: PrivateJSONFile<[String: ProfileCache]> { PrivateJSONFile(url: folder.appendingPathComponent("cache.json")) }

    /// The cache for `server`; an empty one when there is none.
    public func load(server: URL) throws(TokenStoreError) -> ProfileCache {
        try file.read()?[FileTokenStore.key(for: server)] ?? ProfileCache()
    }

    /// Replaces the cache for `server`, atomically, in a 0600 file.
    public func save(_ cache: ProfileCache, server: URL) throws(TokenStoreError) {
        var all = (try? file.read()) ?? [:]
        all[FileTokenStore.key(for: server)] = cache
        try file.write(all)
    }
}
