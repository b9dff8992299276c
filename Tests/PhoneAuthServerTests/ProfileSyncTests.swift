import ClientCore
import Foundation
import HummingbirdTesting
import Testing

@testable import PhoneAuthServer

/// ClientCore's offline cache against the live server: revalidation with ETags, and stale reads once the server is gone.
@Suite final class ProfileSyncTests: Sendable {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-cache-\(UUID().uuidString)")

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func syncRevalidatesWithETagsAndPicksUpServerChanges() async throws {
        let harness = try TestHarness()
        let tokens = InMemoryTokenStore()
        let cache = FileProfileCacheStore(folder: folder)
        try await harness.test(.live) { (client) async throws -> Void in
            let transport = CountingTransport()
            let session = PhoneAuthSession(
                client: PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(client.port!)")!, transport: transport), store: tokens,
                now: { harness.clock.now })
            _ = try await session.client.sendCode(phone: "+996555123456")
            try await session.signIn(phone: "+996555123456", code: try #require(harness.sms.lastCode(to: "+996555123456")))
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

    @Test func offlineReadsComeFromTheCacheMarkedStale() async throws {
        let harness = try TestHarness()
        let tokens = InMemoryTokenStore()
        let cache = FileProfileCacheStore(folder: folder)
        let serverURL = try await harness.test(.live) { (client) async throws -> URL in
            let url = URL(string: "http://127.0.0.1:\(client.port!)")!
            let session = PhoneAuthSession(client: PhoneAuthClient(baseURL: url), store: tokens, now: { harness.clock.now })
            _ = try await session.client.sendCode(phone: "+13125550100")
            try await session.signIn(phone: "+13125550100", code: try #require(harness.sms.lastCode(to: "+13125550100")))
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
