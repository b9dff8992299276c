import Foundation

/// Each caller's state (user row, session, market cutoff) kept in memory so a steady stream of requests needs no
/// database read, but never served stale: every change to the database empties what it may have changed (one user's
/// entries, or all: `CallerChange`) before the next request is
/// answered (`StorageChangeSignal`), and entries older than `ttl` are read again anyway. Bounded by count and by bytes:
/// when `capacity` entries or `maxBytes` (as `CallerState.memoryCost` and `Address.memoryCost` estimate them) are held,
/// the cache starts over, so large profiles or address books cannot make it grow past its budget.
package final class AuthStateCache: Sendable {
    package struct Key: Hashable, Sendable {
        package var userID: Int64
        package var sessionID: String?
        package var market: String?
    }

    package struct Stats: Sendable, Equatable {
        package var hits = 0
        package var misses = 0
        package var invalidations = 0
        package var bypasses = 0
    }

    private struct Entry {
        var state: CallerState
        var storedAt: Date
        var cost: Int
    }

    private struct Contents {
        var entries: [Key: Entry] = [:]
        /// Each user's keys among `entries`, so one user's can be forgotten without a scan.
        var keysByUser: [Int64: Set<Key>] = [:]
        /// Each user's address book, emptied with everything else.
        var addressLists: [Int64: (addresses: [Address], storedAt: Date, cost: Int)] = [:]
        /// Bumped by every invalidation: a read that began before one must not store what it read.
        var generation: UInt64 = 0
        /// What the entries and address books hold, as estimated.
        var bytes = 0
        var stats = Stats()
    }

    package let ttl: TimeInterval
    package let capacity: Int
    package let maxBytes: Int
    private let contents = Locked(Contents())

    package init(ttl: Duration, capacity: Int = 100_000, maxBytes: Int = 64 << 20) {
        self.ttl = ttl.seconds
        self.capacity = capacity
        self.maxBytes = maxBytes
    }

    /// The estimated bytes held (tests read it).
    package var bytes: Int { contents.withLock { $0.bytes } }

    package var stats: Stats { contents.withLock { $0.stats } }

    /// The cached state and nil, or nil and the generation to hand back to `store` after reading the database.
    package func lookup(_ key: Key, now: Date) -> (state: CallerState?, generation: UInt64) {
        contents.withLock { contents in
            if let entry = contents.entries[key], now.timeIntervalSince(entry.storedAt) < ttl {
                contents.stats.hits += 1
                return (entry.state, contents.generation)
            }
            contents.stats.misses += 1
            return (nil, contents.generation)
        }
    }

    /// Keeps what a read found, unless something changed since the read began.
    package func store(_ state: CallerState, for key: Key, readAt generation: UInt64, now: Date) {
        contents.withLock { contents in
            guard contents.generation == generation else { return }
            let cost = state.memoryCost
            if contents.entries.count >= capacity || contents.bytes + cost > maxBytes { Self.startOver(&contents) }
            contents.bytes += cost - (contents.entries[key]?.cost ?? 0)
            contents.entries[key] = Entry(state: state, storedAt: now, cost: cost)
            contents.keysByUser[key.userID, default: []].insert(key)
        }
    }

    /// Something in the database changed: nothing held may be served again.
    package func invalidateAll() {
        contents.withLock { contents in
            contents.generation &+= 1
            contents.stats.invalidations += 1
            Self.startOver(&contents)
        }
    }

    /// What `change` may have changed is never served again: nothing, one user's entries and address book, or all.
    /// (A read of anyone that began before it stores nothing: the generation is shared.)
    package func invalidate(_ change: CallerChange) {
        switch change {
        case .nobody: return
        case .everyone: invalidateAll()
        case .user(let userID):
            contents.withLock { contents in
                contents.generation &+= 1
                contents.stats.invalidations += 1
                for key in contents.keysByUser.removeValue(forKey: userID) ?? [] {
                    contents.bytes -= contents.entries.removeValue(forKey: key)?.cost ?? 0
                }
                contents.bytes -= contents.addressLists.removeValue(forKey: userID)?.cost ?? 0
            }
        }
    }

    private static func startOver(_ contents: inout Contents) {
        contents.entries.removeAll(keepingCapacity: true)
        contents.keysByUser.removeAll(keepingCapacity: true)
        contents.addressLists.removeAll(keepingCapacity: true)
        contents.bytes = 0
    }

    /// The user's cached address book and nil, or nil and the generation to hand back to `storeAddresses`.
    package func lookupAddresses(userID: Int64, now: Date) -> (addresses: [Address]?, generation: UInt64) {
        contents.withLock { contents in
            if let entry = contents.addressLists[userID], now.timeIntervalSince(entry.storedAt) < ttl {
                contents.stats.hits += 1
                return (entry.addresses, contents.generation)
            }
            contents.stats.misses += 1
            return (nil, contents.generation)
        }
    }

    package func storeAddresses(_ addresses: [Address], userID: Int64, readAt generation: UInt64, now: Date) {
        contents.withLock { contents in
            guard contents.generation == generation else { return }
            let cost = 64 + addresses.reduce(0) { $0 + $1.memoryCost }
            if contents.addressLists.count >= capacity || contents.bytes + cost > maxBytes { Self.startOver(&contents) }
            contents.bytes += cost - (contents.addressLists[userID]?.cost ?? 0)
            contents.addressLists[userID] = (addresses, now, cost)
        }
    }

    /// The change signal cannot vouch for the cache (PostgreSQL's listener is reconnecting): this read goes to the
    /// database.
    package func recordBypass() {
        contents.withLock { $0.stats.bypasses += 1 }
    }
}

extension CallerState {
    /// About what one entry holds: fixed fields plus its strings' bytes.
    package var memoryCost: Int {
        let texts = [user.phoneNumber, user.fullName, user.profileImageURL, user.language, user.disabledReason, session?.userAgent, session?.ip]
        return 512 + texts.reduce(0) { $0 + ($1?.utf8.count ?? 0) }
    }
}

extension Address {
    /// About what one address in a cached book holds.
    package var memoryCost: Int {
        128 + [label, line1, line2, city, region, postalCode, country].reduce(0) { $0 + ($1?.utf8.count ?? 0) }
    }
}

/// Tells the auth-state cache whether what it holds is still current. Checked before every cached read; it empties
/// the cache itself when it sees a change, and answers false when it cannot tell (the cache is then bypassed).
package protocol StorageChangeSignal: Sendable {
    func validate(_ cache: AuthStateCache) async -> Bool
    /// What `/health/ready` and `/metrics` show of it.
    var health: ChangeSignalHealth { get }
}

extension StorageChangeSignal {
    package var health: ChangeSignalHealth { ChangeSignalHealth(state: "live", vouches: true) }
}

/// Whether the change signal vouches for the cache, and why not.
package struct ChangeSignalHealth: Sendable, Equatable, Codable {
    package var state: String
    package var vouches: Bool
    package var reason: String?
    package var heartbeatAgeSeconds: Double?

    package init(state: String, vouches: Bool, reason: String? = nil, heartbeatAgeSeconds: Double? = nil) {
        self.state = state
        self.vouches = vouches
        self.reason = reason
        self.heartbeatAgeSeconds = heartbeatAgeSeconds
    }

    package enum CodingKeys: String, CodingKey {
        case state, vouches, reason
        case heartbeatAgeSeconds = "heartbeat_age_seconds"
    }
}

/// Where the resolver gets a caller's state: the database, or the cache in front of it.
package protocol CallerStateSource: Sendable {
    func state(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState?
}

package struct DatabaseStateSource: CallerStateSource {
    package let sessions: any SessionRepository

    package init(sessions: any SessionRepository) {
        self.sessions = sessions
    }

    package func state(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState? {
        try await sessions.callerState(userID: userID, sessionID: sessionID, market: market)
    }
}

package struct CachedStateSource: CallerStateSource {
    package let cache: AuthStateCache
    package let signal: any StorageChangeSignal
    package let database: DatabaseStateSource
    package let now: WallClock

    package init(
        cache: AuthStateCache, signal: any StorageChangeSignal, database: DatabaseStateSource, now: @escaping WallClock
    ) {
        self.cache = cache
        self.signal = signal
        self.database = database
        self.now = now
    }

    package func state(userID: Int64, sessionID: String?, market: String?) async throws -> CallerState? {
        guard await signal.validate(cache) else {
            cache.recordBypass()
            return try await database.state(userID: userID, sessionID: sessionID, market: market)
        }
        let key = AuthStateCache.Key(userID: userID, sessionID: sessionID, market: market)
        let found = cache.lookup(key, now: now())
        if let state = found.state { return state }
        guard let state = try await database.state(userID: userID, sessionID: sessionID, market: market) else { return nil }
        cache.store(state, for: key, readAt: found.generation, now: now())
        return state
    }
}
