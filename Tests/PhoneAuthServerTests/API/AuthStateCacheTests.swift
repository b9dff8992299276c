import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthPostgres
@testable import PhoneAuthServer

/// The auth-state cache (issue 12): a steady stream of requests needs no database read, and still no request is
/// answered from state that a write has changed. (Every other suite runs with the cache on, as shipped, so each write
/// they test is also a test of its invalidation.)
@Suite struct AuthStateCacheTests {
    @Test(arguments: Backend.all)
    func repeatedRequestsAreServedFromMemory(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            for _ in 0..<5 { #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .ok) }
        }
        #expect(harness.authCache.stats.hits >= 4)
    }

    @Test(arguments: Backend.all)
    func aProfileEditIsVisibleWithItsNewETagOnTheNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            let before = try await client.request(.get, "/api/v1/profile", token: token)
            _ = try await client.request(.get, "/api/v1/profile", token: token)
            let edited = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "Aida"], token: token)
            let after = try await client.request(.get, "/api/v1/profile", token: token)
            #expect(after.json["full_name"] as? String == "Aida")
            #expect(after.headers[.eTag] == edited.headers[.eTag])
            #expect(after.headers[.eTag] != before.headers[.eTag])
            // The old ETag no longer matches: If-Match with it is refused.
            let stale = try await client.request(
                .patch, "/api/v1/profile", json: ["full_name": "Old"], token: token, headers: [.ifMatch: before.headers[.eTag]!])
            #expect(stale.status == .preconditionFailed)
        }
    }

    @Test(arguments: Backend.all)
    func aWriteByTheOperatorCLIIsVisibleOnTheNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.live) { client in
            let token = try await harness.signIn(client, phone: "+996555123456")
            for _ in 0..<3 { #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .ok) }
            let hits = harness.authCache.stats.hits
            #expect(hits >= 2)
            let cli = try await CLIRunner.run(
                ["admin", "disable", "--phone", "+996555123456", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(cli.status == 0, "\(cli.stderr)")
            if backend == .postgres {  // the CLI's NOTIFY reaches this server's listener asynchronously
                for _ in 0..<400 where harness.authCache.stats.invalidations == 0 { try await Task.sleep(for: .milliseconds(5)) }
            }
            let refused = try await client.request(.get, "/api/v1/profile", token: token)
            #expect(refused.status == .unauthorized)
            #expect(refused.errorCode == "account_disabled")
        }
    }

    private static let home = ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]

    /// Address books are served from the cache too: this process's own address writes show on the next list.
    @Test(arguments: Backend.all)
    func anAddressChangeIsVisibleWithItsNewETagOnTheNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            #expect(try await client.request(.post, "/api/v1/profile/addresses", json: Self.home, token: token).status == .created)
            let first = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            let hits = harness.authCache.stats.hits
            let again = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            #expect(harness.authCache.stats.hits >= hits + 2)  // the caller's state and the list
            #expect(again.headers[.eTag] == first.headers[.eTag])
            var work = Self.home
            work["line1"] = "2 Wacker Dr"
            let created = try await client.request(.post, "/api/v1/profile/addresses", json: work, token: token)
            let after = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            #expect((after.json["addresses"] as? [[String: Any]])?.map { $0["line1"] as? String } == ["1 Main St", "2 Wacker Dr"])
            #expect(after.headers[.eTag] != first.headers[.eTag])
            let id = try #require(created.json["id"] as? Int)
            #expect(try await client.request(.delete, "/api/v1/profile/addresses/\(id)", token: token).status == .noContent)
            let deleted = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            #expect((deleted.json["addresses"] as? [[String: Any]])?.count == 1)
            #expect(deleted.headers[.eTag] == first.headers[.eTag])
        }
    }

    /// Another process (a second instance, a script on the same SQLite file) changes the rows: the next list shows it.
    @Test(arguments: Backend.all)
    func anAddressWrittenByAnotherProcessIsVisibleOnTheNextRequest(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let token = try await harness.signIn(client)
            #expect(try await client.request(.post, "/api/v1/profile/addresses", json: Self.home, token: token).status == .created)
            for _ in 0..<2 { _ = try await client.request(.get, "/api/v1/profile/addresses", token: token) }
            try await harness.sql.execute("UPDATE addresses SET city = 'Evanston'")
            let after = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            #expect((after.json["addresses"] as? [[String: Any]])?.first?["city"] as? String == "Evanston")
            try await harness.sql.execute("DELETE FROM addresses")
            let empty = try await client.request(.get, "/api/v1/profile/addresses", token: token)
            #expect((empty.json["addresses"] as? [[String: Any]])?.isEmpty == true)
        }
    }

    @Test func entriesExpireAfterTheirTTL() async throws {
        let harness = try TestHarness { $0.authCacheTTL = .seconds(60) }
        try await harness.test { client in
            let token = try await harness.signIn(client)
            _ = try await client.request(.get, "/api/v1/profile", token: token)
            _ = try await client.request(.get, "/api/v1/profile", token: token)
            let stats = harness.authCache.stats
            harness.clock.advance(by: 61)
            _ = try await client.request(.get, "/api/v1/profile", token: token)
            #expect(harness.authCache.stats.misses == stats.misses + 1)
            #expect(harness.authCache.stats.hits == stats.hits)
        }
    }

    @Test func aZeroTTLTurnsTheCacheOff() async throws {
        let harness = try TestHarness { $0.authCacheTTL = .zero }
        try await harness.test { client in
            let token = try await harness.signIn(client)
            for _ in 0..<3 { #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .ok) }
        }
        #expect(harness.authCache.stats == AuthStateCache.Stats())
    }

    @Test func aReadThatRacedAnInvalidationIsNotKept() {
        let cache = AuthStateCache(ttl: .seconds(60))
        let key = AuthStateCache.Key(userID: 1, sessionID: "s", market: "us")
        let now = Date()
        let miss = cache.lookup(key, now: now)
        #expect(miss.state == nil)
        cache.invalidateAll()  // a write lands while the miss reads the database
        let user = User(newPhone: "+13125550100", defaults: .init(market: "us", language: "en", country: "United States"), now: now)
        cache.store(CallerState(user: user, session: nil, marketForceLogoutAfter: nil), for: key, readAt: miss.generation, now: now)
        #expect(cache.lookup(key, now: now).state == nil)
    }

    /// A change to one user (a sign-in, an edit, a logout) forgets that user's entries and address book, in every
    /// session and market, and nobody else's; a read of anyone that began before it stores nothing.
    @Test func aChangeToOneUserForgetsOnlyThatUser() {
        let cache = AuthStateCache(ttl: .seconds(60))
        let now = Date()
        let defaults = NewUserDefaults(market: "us", language: "en", country: "United States")
        func state(_ id: Int64) -> CallerState {
            var user = User(newPhone: "+1312555010\(id)", defaults: defaults, now: now)
            user.id = id
            return CallerState(user: user)
        }
        let keys = [
            AuthStateCache.Key(userID: 1, sessionID: "a", market: "us"), AuthStateCache.Key(userID: 1, sessionID: "b", market: "us"),
            AuthStateCache.Key(userID: 2, sessionID: "c", market: "us"),
        ]
        for key in keys { cache.store(state(key.userID), for: key, readAt: cache.lookup(key, now: now).generation, now: now) }
        cache.storeAddresses([], userID: 1, readAt: cache.lookupAddresses(userID: 1, now: now).generation, now: now)
        cache.storeAddresses([], userID: 2, readAt: cache.lookupAddresses(userID: 2, now: now).generation, now: now)
        let full = cache.bytes
        let racing = cache.lookup(AuthStateCache.Key(userID: 3, sessionID: "d", market: "us"), now: now)

        cache.invalidate(.nobody)
        #expect(cache.lookup(keys[0], now: now).state != nil)
        cache.invalidate(.user(1))
        #expect(cache.lookup(keys[0], now: now).state == nil)
        #expect(cache.lookup(keys[1], now: now).state == nil)
        #expect(cache.lookupAddresses(userID: 1, now: now).addresses == nil)
        #expect(cache.lookup(keys[2], now: now).state == state(2))
        #expect(cache.lookupAddresses(userID: 2, now: now).addresses == [])
        #expect(cache.bytes < full && cache.bytes > 0)
        cache.store(state(3), for: AuthStateCache.Key(userID: 3, sessionID: "d", market: "us"), readAt: racing.generation, now: now)
        #expect(cache.lookup(AuthStateCache.Key(userID: 3, sessionID: "d", market: "us"), now: now).state == nil)

        cache.invalidate(.everyone)
        #expect(cache.lookup(keys[2], now: now).state == nil)
        #expect(cache.bytes == 0)
    }

    /// What PostgreSQL's NOTIFY carries: one user, or everyone in the format every release has sent, so instances of
    /// the previous release (which send and understand only that) and a bare NOTIFY after a manual edit still empty
    /// every cache.
    @Test func aChangeNotificationNamesItsUserAndOlderOnesMeanEveryone() {
        #expect(PostgresChangeListener.payload(.user(42), from: "A") == "A user 42")
        #expect(PostgresChangeListener.payload(.everyone, from: "A") == "A")
        #expect(PostgresChangeListener.payload(.nobody, from: "A") == nil)
        #expect(PostgresChangeListener.change(in: "A user 42", ownID: "B") == (.user(42), false))
        #expect(PostgresChangeListener.change(in: "A user 42", ownID: "A") == (.user(42), true))
        #expect(PostgresChangeListener.change(in: "A", ownID: "B") == (.everyone, false))
        #expect(PostgresChangeListener.change(in: "", ownID: "B") == (.everyone, false))
        #expect(PostgresChangeListener.change(in: "A user x", ownID: "B") == (.everyone, false))
    }

    /// While the LISTEN connection is down, this instance cannot hear other instances' writes: it reads the database
    /// for every request until the listener is back.
    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func aCutListenerBypassesTheCacheUntilItIsBack(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let setting) = harness.config.database, let server = TestPostgres.server else { return }
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let other = try await Instance.start(
                database: harness.databaseURL, webhook: webhook,
                extra: ["--jwt-secret", String(decoding: harness.config.jwtSecret, as: UTF8.self), "--pepper",
                        String(decoding: harness.config.pepper, as: UTF8.self)])
            defer { Task { await other.stop() } }
            try await harness.test(.live) { client in
                let token = try await harness.signIn(client)
                for _ in 0..<3 { #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .ok) }
                #expect(harness.authCache.stats.hits >= 2)
                try await TestPostgres.run(
                    on: server,
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(setting.database)' AND query LIKE 'LISTEN%'")
                // Until this instance notices, it may still trust its cache; from then on it bypasses it.
                for _ in 0..<400 where harness.authCache.stats.bypasses == 0 {
                    _ = try await client.request(.get, "/api/v1/profile", token: token)
                    try await Task.sleep(for: .milliseconds(5))
                }
                #expect(harness.authCache.stats.bypasses > 0)
                #expect(try await other.request("POST", "/auth/logout", token: token).status == 204)
                #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .unauthorized)
                // The listener comes back and the cache serves again.
                let second = try await harness.signIn(client, phone: "+13125550199")
                var served = false
                for _ in 0..<400 where !served {
                    let hits = harness.authCache.stats.hits
                    _ = try await client.request(.get, "/api/v1/profile", token: second)
                    served = harness.authCache.stats.hits > hits
                    if !served { try await Task.sleep(for: .milliseconds(10)) }
                }
                #expect(served)
            }
        }
    }
}
