import Foundation
import HummingbirdTesting
import Testing

@testable import ClientCore
@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `PhoneAuthSession.authStateChanges()` against the live server: every subscriber sees the same ordered events, and
/// a session ended elsewhere (a logout on another device, an operator's force-logout, a ban) reaches them as the
/// right `signedOut` reason on the next call, once, after which calls fail without a network round trip.
@Suite struct AuthStateStreamTests {
    static let phone = "+13125550100"

    /// Streams end asynchronously after their reader goes away: waits up to a second for the session to notice.
    private func noSubscribersLeft(_ session: PhoneAuthSession) async -> Bool {
        for _ in 0..<100 {
            if await session.subscriberCount == 0 { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    private func names(_ events: [AuthStateChange]) -> [String] {
        events.map { event in
            switch event {
            case .initialSession(let state): "initialSession(\(state == nil ? "nil" : "user \(state!.userID)"))"
            case .signedIn(let state): "signedIn(user \(state.userID))"
            case .tokenRefreshed(let state): "tokenRefreshed(user \(state.userID))"
            case .userUpdated(let profile): "userUpdated(\(profile.fullName ?? "-"))"
            case .phoneChanged(let profile): "phoneChanged(\(profile.phoneNumber))"
            case .signedOut(let reason): "signedOut(\(reason.rawValue))"
            }
        }
    }

    @Test func everySubscriberSeesTheSameEventsInOrder() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let session = harness.device(port: client.port!)
            let first = collect(await session.authStateChanges(), count: 5)
            let second = collect(await session.authStateChanges(), count: 5)
            try await harness.signIn(session, phone: Self.phone)
            _ = try await session.updateProfile(ProfileUpdate(fullName: "Aida Bekova"))
            harness.clock.advance(by: 1800)  // expired: the next call refreshes first
            _ = try await session.profile()
            try await session.logout(scope: "local")
            let expected = ["initialSession(nil)", "signedIn(user 1)", "userUpdated(Aida Bekova)", "tokenRefreshed(user 1)", "signedOut(userLogout)"]
            #expect(names(await first.value) == expected)
            #expect(names(await second.value) == expected)
            // A late subscriber starts from the stored state.
            let late = collect(await session.authStateChanges(), count: 1)
            #expect(names(await late.value) == ["initialSession(nil)"])
        }
    }

    @Test func aLogoutOnAnotherDeviceSignsThisOneOutOnceAndLaterCallsStayLocal() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let transport = CountingTransport()
            let phone = harness.device(port: client.port!, transport: transport)
            let tablet = harness.device(port: client.port!)
            try await harness.signIn(phone, phone: Self.phone)
            try await harness.signIn(tablet, phone: Self.phone)
            let events = collect(await phone.authStateChanges(), count: 2)
            try await tablet.logout(scope: "global")
            // Several calls at once discover it; the tokens are cleared and the event sent once.
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<5 { group.addTask { _ = try? await phone.profile() } }
            }
            #expect(names(await events.value) == ["initialSession(user 1)", "signedOut(revoked)"])
            #expect(try await phone.credentials() == nil)
            let requests = transport.count("/api/v1/profile")
            await #expect(throws: PhoneAuthClientError.notAuthenticated) { try await phone.profile() }
            #expect(transport.count("/api/v1/profile") == requests)
            // The collector stopped reading: its stream is gone too.
            #expect(await noSubscribersLeft(phone))
        }
    }

    @Test func aSessionUnusedPastItsRefreshLifetimeEndsOnTheDeviceWithoutARequest() async throws {
        let harness = try TestHarness()
        harness.clock.set(Date())
        try await harness.test(.live) { client in
            let transport = CountingTransport()
            let phone = harness.device(port: client.port!, transport: transport)
            try await harness.signIn(phone, phone: Self.phone)
            let earlier = collect(await phone.authStateChanges(), count: 2)
            harness.clock.advance(by: harness.config.refreshLifetime.seconds + 1)
            let later = collect(await phone.authStateChanges(), count: 1)
            #expect(names(await earlier.value) == ["initialSession(user 1)", "signedOut(expired)"])
            #expect(names(await later.value) == ["initialSession(nil)"])
            await #expect(throws: PhoneAuthClientError.notAuthenticated) { try await phone.profile() }
            #expect(try await phone.credentials() == nil)
            #expect(transport.statuses("/auth/refresh").isEmpty && transport.statuses("/api/v1/profile").isEmpty)
        }
    }

    @Test func loggingOutASessionThatAlreadyEndedElsewhereSucceedsHere() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let phone = harness.device(port: client.port!)
            let tablet = harness.device(port: client.port!)
            try await harness.signIn(phone, phone: Self.phone)
            try await harness.signIn(tablet, phone: Self.phone)
            let events = collect(await phone.authStateChanges(), count: 2)
            try await tablet.logout(scope: "global")
            try await phone.logout(scope: "local")
            #expect(names(await events.value) == ["initialSession(user 1)", "signedOut(revoked)"])
            #expect(try await phone.credentials() == nil)
            await #expect(throws: PhoneAuthClientError.notAuthenticated) { try await phone.logout() }  // nothing left to end
        }
    }

    @Test(arguments: [
        (["admin", "force-logout", "--phone", phone], "signedOut(revoked)"),
        (["admin", "disable", "--phone", phone, "--reason", "chargebacks"], "signedOut(banned)"),
    ])
    func anOperatorsForceLogoutOrBanReachesTheSubscriberWithItsReason(command: [String], expected: String) async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let session = harness.device(port: client.port!)
            harness.clock.set(Date().addingTimeInterval(-120))  // the CLI stamps the real time: sign in before it
            try await harness.signIn(session, phone: Self.phone)
            let events = collect(await session.authStateChanges(), count: 2)
            let cli = try await CLIRunner.run(command + ["--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(cli.status == 0, "\(cli.stderr)")
            await #expect(throws: PhoneAuthClientError.self) { try await session.profile() }
            #expect(names(await events.value) == ["initialSession(user 1)", expected])
            await #expect(throws: PhoneAuthClientError.notAuthenticated) { try await session.profile() }
        }
    }

    @Test func cancellingASubscribersTaskEndsItsStream() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let session = harness.device(port: client.port!)
            let stream = await session.authStateChanges()
            let watcher = Task { for await _ in stream {} }
            #expect(await session.subscriberCount == 1)
            watcher.cancel()
            await watcher.value
            #expect(await noSubscribersLeft(session))
            try await harness.signIn(session, phone: Self.phone)  // publishing to nobody is fine
        }
    }
}
