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

/// The real URLSession transport, counting requests per path.
final class CountingTransport: HTTPTransport {
    private let inner = URLSessionTransport()
    private let counts = Locked<[String: Int]>([:])
    private let answers = Locked<[String: [Int]]>([:])

    func count(_ path: String) -> Int { counts.withLock { $0[path] ?? 0 } }
    /// The statuses answered for a path, in order.
    func statuses(_ path: String) -> [Int] { answers.withLock { $0[path] ?? [] } }

    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let path = request.url?.path ?? ""
        counts.withLock { $0[path, default: 0] += 1 }
        let (data, response) = try await inner.send(request)
        answers.withLock { $0[path, default: []].append(response.statusCode) }
        return (data, response)
    }
}

/// PhoneAuthSession (ClientCore) against the live server: refresh ahead of expiry, after a stale token, single-flight,
/// and logged out when a refresh is refused.
@Suite struct ClientSessionTests {
    private func session(_ harness: TestHarness, port: Int, transport: CountingTransport) -> PhoneAuthSession {
        let clock = harness.clock
        return PhoneAuthSession(
            client: PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, transport: transport),
            store: InMemoryTokenStore(), now: { clock.now })
    }

    private func signIn(_ session: PhoneAuthSession, _ harness: TestHarness, phone: String = "+13125550100") async throws {
        let sent = try await session.client.sendCode(phone: phone)
        try await session.signIn(verificationID: sent.verificationID, code: try #require(harness.sms.lastCode(to: phone)))
    }

    @Test func signInKeepsTokensAndCallsCarryThem() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let transport = CountingTransport()
            let session = session(harness, port: client.port!, transport: transport)
            try await signIn(session, harness)
            let stored = try #require(try await session.credentials())
            #expect(stored.market == "us")
            #expect(stored.accessExpiresAt == harness.clock.now.addingTimeInterval(1800))
            #expect(try await session.profile().phoneNumber == "+13125550100")
            #expect(transport.count("/auth/refresh") == 0)
        }
    }

    @Test func manyConcurrentCallsNearExpiryShareOneRefresh() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let transport = CountingTransport()
            let session = session(harness, port: client.port!, transport: transport)
            try await signIn(session, harness)
            harness.clock.advance(by: 1800 - 30)  // under 60 s left
            try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<20 { group.addTask { try await session.profile().phoneNumber } }
                for try await phone in group { #expect(phone == "+13125550100") }
            }
            #expect(transport.count("/auth/refresh") == 1)
            #expect(transport.count("/api/v1/profile") == 20)
            let stored = try #require(try await session.credentials())
            #expect(stored.accessExpiresAt == harness.clock.now.addingTimeInterval(1800))
        }
    }

    @Test func aStaleTokenIsRefreshedOnceAndTheCallRetried() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let transport = CountingTransport()
            let session = session(harness, port: client.port!, transport: transport)
            try await signIn(session, harness)
            harness.clock.advance(by: 1)
            let now = harness.clock.now
            try await harness.sql.execute("UPDATE users SET permissions_updated_at = ?", dates: [now])
            #expect(try await session.profile().phoneNumber == "+13125550100")
            #expect(transport.count("/auth/refresh") == 1)
            #expect(transport.count("/api/v1/profile") == 2)
        }
    }

    @Test func aRefusedRefreshClearsTheTokensAndReportsNotAuthenticated() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let session = session(harness, port: client.port!, transport: CountingTransport())
            try await signIn(session, harness)
            _ = try await harness.sql.execute("UPDATE user_sessions SET is_active = FALSE")
            harness.clock.advance(by: 1800)
            await #expect(throws: PhoneAuthClientError.notAuthenticated) { try await session.profile() }
            #expect(try await session.credentials() == nil)
            await #expect(throws: PhoneAuthClientError.notAuthenticated) { try await session.profile() }
        }
    }

    @Test func logoutEndsTheSessionOnTheServerAndForgetsTheTokens() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let session = session(harness, port: client.port!, transport: CountingTransport())
            try await signIn(session, harness)
            let token = try #require(try await session.credentials()).accessToken
            try await session.logout(scope: "local")
            #expect(try await session.credentials() == nil)
            #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .unauthorized)
        }
    }
}
