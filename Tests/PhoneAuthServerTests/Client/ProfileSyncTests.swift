import ClientCore
import Foundation
import GRDB
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// ClientCore's offline cache against the live server: revalidation with ETags, and stale reads once the server is gone.
@Suite final class ProfileSyncTests: Sendable {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-cache-\(UUID().uuidString)")

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A session of +996555123456 signed in through `transport`, on the harness's clock.
    private func signedIn(
        _ harness: TestHarness, port: Int, tokens: any TokenStore, transport: CountingTransport
    ) async throws
        -> PhoneAuthSession
    {
        let session = PhoneAuthSession(
            client: PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, transport: transport), store: tokens,
            now: { harness.clock.now })
        let sent = try await session.client.sendCode(phone: "+996555123456")
        try await session.signIn(verificationID: sent.verificationID, code: try #require(harness.sms.lastCode(to: "+996555123456")))
        return session
    }

    @Test func syncRevalidatesWithETagsAndPicksUpServerChanges() async throws {
        let harness = try TestHarness()
        let tokens = InMemoryTokenStore()
        let cache = FileProfileCacheStore(folder: folder)
        try await harness.test(.live) { (client) async throws -> Void in
            let transport = CountingTransport()
            let session = try await signedIn(harness, port: client.port!, tokens: tokens, transport: transport)
            _ = try await session.addAddress(AddressFields(line1: "Chui 1", city: "Bishkek"))
            let sync = ProfileSync(session: session, store: cache, now: { harness.clock.now })

            try await sync.sync()
            try await sync.sync()
            #expect(transport.statuses("/api/v1/profile") == [200, 304])
            #expect(transport.statuses("/api/v1/profile/addresses") == [201, 200, 304])  // the create, then the two syncs

            _ = try await session.updateProfile(ProfileUpdate(fullName: "Changed"))
            let profile = try await sync.profile()
            #expect(profile.value.fullName == "Changed")
            #expect(!profile.isStale)
            let stored = try cache.load(server: session.client.baseURL)
            #expect(stored.profile?.fullName == "Changed")
            #expect(stored.addresses?.map(\.line1) == ["Chui 1"])
            #expect(stored.profileETag != nil && stored.addressesETag != nil)
        }
    }

    @Test func aProfileCachedByAnOlderClientIsFetchedWholeOnce() async throws {
        let harness = try TestHarness()
        let tokens = InMemoryTokenStore()
        let cache = FileProfileCacheStore(folder: folder)
        try await harness.test(.live) { (client) async throws -> Void in
            let transport = CountingTransport()
            let session = try await signedIn(harness, port: client.port!, tokens: tokens, transport: transport)
            let sync = ProfileSync(session: session, store: cache, now: { harness.clock.now })
            _ = try await sync.profile()
            // What an older clientcli wrote: the same profile and its ETag, without the dates.
            var old = try cache.load(server: session.client.baseURL)
            old.profile?.createdAt = nil
            old.profile?.updatedAt = nil
            old.profile?.lastLogin = nil
            try cache.save(old, server: session.client.baseURL)

            let upgraded = try await sync.profile()
            #expect(upgraded.value.createdAt != nil && upgraded.value.lastLogin != nil)
            _ = try await sync.profile()
            #expect(transport.statuses("/api/v1/profile") == [200, 200, 304])
        }
    }

    @Test func offlineReadsComeFromTheCacheMarkedStale() async throws {
        let harness = try TestHarness()
        let tokens = InMemoryTokenStore()
        let cache = FileProfileCacheStore(folder: folder)
        let serverURL = try await harness.test(.live) { (client) async throws -> URL in
            let url = URL(string: "http://127.0.0.1:\(client.port!)")!
            let session = PhoneAuthSession(client: PhoneAuthClient(baseURL: url), store: tokens, now: { harness.clock.now })
            let sent = try await session.client.sendCode(phone: "+13125550100")
            try await session.signIn(verificationID: sent.verificationID, code: try #require(harness.sms.lastCode(to: "+13125550100")))
            _ = try await session.addAddress(AddressFields(line1: "233 S Wacker Dr", city: "Chicago", region: "IL", postalCode: "60606"))
            try await ProfileSync(session: session, store: cache, now: { harness.clock.now }).sync()
            return url
        }
        // The server is gone now.
        let offline = ProfileSync(
            session: PhoneAuthSession(client: PhoneAuthClient(baseURL: serverURL, timeout: 5), store: tokens, now: { harness.clock.now }),
            store: cache, now: { harness.clock.now })
        let profile = try await offline.profile()
        #expect(profile.isStale)
        #expect(profile.value.phoneNumber == "+13125550100")
        #expect(profile.lastSync == harness.clock.now)
        let addresses = try await offline.addresses()
        #expect(addresses.isStale)
        #expect(addresses.value.first?.city == "Chicago")

        // With nothing cached, offline is an error.
        let empty = ProfileSync(
            session: PhoneAuthSession(client: PhoneAuthClient(baseURL: serverURL, timeout: 5), store: tokens, now: { harness.clock.now }),
            store: FileProfileCacheStore(folder: folder.appendingPathComponent("other")), now: { harness.clock.now })
        await #expect(throws: PhoneAuthClientError.self) { try await empty.profile() }
    }
}

/// The real transport, which can be cut (offline: nothing is sent) or made to lose answers (sent, then a timeout).
final class SwitchableTransport: HTTPTransport {
    enum Mode { case online, offline, losingAnswers }
    private let inner = URLSessionTransport()
    private let mode = Locked(Mode.online)

    func set(_ newMode: Mode) { mode.withLock { $0 = newMode } }

    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        switch mode.withLock({ $0 }) {
        case .offline: throw URLError(.notConnectedToInternet)
        case .online: return try await inner.send(request)
        case .losingAnswers:
            _ = try await inner.send(request)
            throw URLError(.timedOut)
        }
    }
}

@Suite struct OfflineEditTests {
    /// A signed-in sync client whose network can be switched, with its cache in `folder`.
    private func setUp(
        _ harness: TestHarness, port: Int, folder: URL, phone: String = "+996555123456"
    )
        async throws -> (ProfileSync, SwitchableTransport, InMemoryTokenStore)
    {
        let transport = SwitchableTransport()
        let tokens = InMemoryTokenStore()
        let session = PhoneAuthSession(
            client: PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, transport: transport), store: tokens,
            now: { harness.clock.now })
        let sent = try await session.client.sendCode(phone: phone)
        try await session.signIn(verificationID: sent.verificationID, code: try #require(harness.sms.lastCode(to: phone)))
        let sync = ProfileSync(session: session, store: FileProfileCacheStore(folder: folder), now: { harness.clock.now })
        try await sync.sync()
        return (sync, transport, tokens)
    }

    @Test func offlineEditsAreQueuedDurablyAndPushedOnceInOrder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-queue-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let harness = try TestHarness()
        try await harness.test(.live) { (client) async throws -> Void in
            let (sync, transport, tokens) = try await setUp(harness, port: client.port!, folder: folder)
            transport.set(.offline)
            guard case .queued = try await sync.addAddress(AddressFields(line1: "Chui 1", city: "Bishkek")) else {
                Issue.record("not queued")
                return
            }
            guard case .queued = try await sync.updateProfile(ProfileUpdate(fullName: "Offline Name")) else {
                Issue.record("not queued")
                return
            }
            let cachedProfile = try await sync.profile()
            #expect(cachedProfile.isStale && cachedProfile.value.fullName == "Offline Name")
            await #expect(throws: PhoneAuthClientError.self) { try await sync.sync() }  // still offline: nothing lost
            #expect(try await sync.pendingEdits().count == 2)

            // A new process: the queue comes back from the file.
            transport.set(.online)
            let restarted = ProfileSync(session: sync.session, store: FileProfileCacheStore(folder: folder), now: { harness.clock.now })
            let report = try await restarted.sync()
            #expect(report.pushed == 2)
            #expect(report.dropped.isEmpty)
            #expect(try await restarted.pendingEdits().isEmpty)
            #expect(try await restarted.sync().pushed == 0)
            let addresses = try await harness.sql.addresses()
            #expect(addresses.map(\.line1) == ["Chui 1"])
            #expect(try await restarted.profile().value.fullName == "Offline Name")
            _ = tokens
        }
    }

    @Test func aPushWhoseAnswerWasLostCreatesTheAddressOnce() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-queue-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let harness = try TestHarness()
        try await harness.test(.live) { (client) async throws -> Void in
            let (sync, transport, _) = try await setUp(harness, port: client.port!, folder: folder)
            transport.set(.offline)
            _ = try await sync.addAddress(AddressFields(line1: "Chui 1", city: "Bishkek"))
            transport.set(.losingAnswers)  // the push reaches the server, its answer does not come back
            await #expect(throws: PhoneAuthClientError.self) { try await sync.sync() }
            #expect(try await sync.pendingEdits().count == 1)
            transport.set(.online)
            #expect(try await sync.sync().pushed == 1)
            let count = try await harness.sql.addresses().count
            #expect(count == 1)
        }
    }

    @Test func anOfflineEditOfAnAddressChangedMeanwhileIsDroppedAndTheServerWins() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-queue-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let harness = try TestHarness()
        try await harness.test(.live) { (client) async throws -> Void in
            let (sync, transport, tokens) = try await setUp(harness, port: client.port!, folder: folder)
            guard case .applied(let address) = try await sync.addAddress(AddressFields(line1: "Chui 1", city: "Bishkek")) else {
                Issue.record("not applied")
                return
            }
            try await sync.sync()  // the cache now holds the address with its etag
            transport.set(.offline)
            _ = try await sync.editAddress(id: address.id, AddressFields(city: "Naryn"))
            // Meanwhile, another device changes the same address.
            let token = try #require(try tokens.load(server: sync.session.client.baseURL)).accessToken
            #expect(try await client.request(.patch, "/api/v1/profile/addresses/\(address.id)", json: ["city": "Osh"], token: token).status == .ok)

            transport.set(.online)
            let report = try await sync.sync()
            #expect(report.pushed == 0)
            #expect(report.dropped.map(\.code) == ["precondition_failed"])
            #expect(try await sync.addresses().value.first?.city == "Osh")
        }
    }
}
