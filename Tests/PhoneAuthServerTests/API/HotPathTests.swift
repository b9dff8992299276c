import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// What the request path memoizes, and why each memo cannot change an answer.
@Suite struct HotPathTests {
    private func service(_ clock: ManualClock) async -> TokenService {
        await TokenService(
            keys: [JWTKeyEntry(kid: "k1", secret: Array(repeating: 7, count: 32))], issuer: "phoneauth", audience: "phoneauth-api",
            lifetime: .seconds(1800), leeway: .seconds(5), now: clock.wallClock)
    }

    @Test func aTokenIsParsedAndItsSignatureCheckedOnceButItsTimesOnEveryCall() async throws {
        let clock = ManualClock()
        let tokens = await service(clock)
        let token = try await tokens.issue(userID: 42, market: "us", role: "user", sessionID: "s-1")
        let first = try await tokens.verify(token)
        let second = try await tokens.verify(token)
        #expect(first == second)
        #expect(first.userID == 42)
        #expect(tokens.verified.hits == 1)
        // Remembered, yet expired all the same once its 30 minutes (and the leeway) are over.
        clock.advance(by: 1800 + 6)
        await #expect(throws: AppError.tokenExpired) { try await tokens.verify(token) }
    }

    @Test func aTokenThatFailsIsNeverRemembered() async throws {
        let tokens = await service(ManualClock())
        let token = try await tokens.issue(userID: 42, market: "us", role: "user", sessionID: "s-1")
        let forged = String(token.dropLast(2)) + (token.hasSuffix("AA") ? "BB" : "AA")
        for _ in 0..<2 { await #expect(throws: AppError.unauthorized) { try await tokens.verify(forged) } }
        #expect(tokens.verified.count == 0)
        #expect(tokens.verified.hits == 0)
    }

    @Test func theMemoKeepsAtMostItsCapacityAndTheRecentlyUsed() {
        let memo = BoundedMemo<Int, String>(capacity: 4)
        for key in 0..<3 { memo.insert("v\(key)", for: key) }
        #expect(memo.value(for: 0) == "v0")  // moved to the newer generation
        for key in 3..<6 { memo.insert("v\(key)", for: key) }
        #expect(memo.count <= 4)
        #expect(memo.value(for: 5) == "v5")
        #expect(memo.value(for: 1) == nil)
    }

    @Test func bearerTokensAreReadWithoutFoundation() {
        #expect(AuthenticationMiddleware.bearerToken("Bearer abc") == "abc")
        #expect(AuthenticationMiddleware.bearerToken("bearer   abc \t") == "abc")
        #expect(AuthenticationMiddleware.bearerToken("Bearer  \t ") == nil)
        #expect(AuthenticationMiddleware.bearerToken("Basic abc") == nil)
        #expect(AuthenticationMiddleware.bearerToken("Bearer") == nil)
    }
}
