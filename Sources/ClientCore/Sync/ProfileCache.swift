import Foundation

/// The last copy of the profile and the address book the server sent, with the `ETag`s to revalidate them.
public struct ProfileCache: Codable, Sendable, Equatable {
    public var profile: UserProfile?
    public var profileETag: String?
    public var addresses: [Address]?
    public var addressesETag: String?
    /// When the server last confirmed or replaced this copy.
    public var lastSync: Date?
    /// Offline changes not yet pushed, oldest first.
    public var pending: [PendingEdit] = []

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
    public var value: Value
    /// True when read offline from the cache.
    public var isStale: Bool
    /// When the cached copy was last confirmed by the server.
    public var lastSync: Date?
}

/// Where the cache lives, one entry per server.
public protocol ProfileCacheStore: Sendable {
    func load(server: URL) throws(TokenStoreError) -> ProfileCache
    func save(_ cache: ProfileCache, server: URL) throws(TokenStoreError)
}

/// `cache.json` next to the credentials, with the same private-file rules.
public struct FileProfileCacheStore: ProfileCacheStore {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    private var file: PrivateJSONFile<[String: ProfileCache]> { PrivateJSONFile(url: folder.appendingPathComponent("cache.json")) }

    public func load(server: URL) throws(TokenStoreError) -> ProfileCache {
        try file.read()?[FileTokenStore.key(for: server)] ?? ProfileCache()
    }

    public func save(_ cache: ProfileCache, server: URL) throws(TokenStoreError) {
        var all = (try? file.read()) ?? [:]
        all[FileTokenStore.key(for: server)] = cache
        try file.write(all)
    }
}
