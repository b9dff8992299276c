import Benchmark
import Foundation
import JWTKit
import PhoneAuthAPI
import PhoneAuthCore

// The pieces of the request path, in process: what one authenticated request costs before any I/O. Run with
// `make bench-micro` (or `cd Benchmarks && swift package benchmark`). The sources are the server's own: PhoneAuthCore,
// and `Server/` for the profile's encoding.

private let now: WallClock = { Date(timeIntervalSince1970: 1_800_000_000) }
private let key = JWTKeyEntry(kid: "k1", secret: Array(repeating: 7, count: 32))

private struct SignedToken {
    let tokens: TokenService
    let token: String

    static func make() async throws -> SignedToken {
        let tokens = await TokenService(
            keys: [key], issuer: "phoneauth", audience: "phoneauth-api", lifetime: .seconds(1800), leeway: .seconds(5), now: now)
        return SignedToken(tokens: tokens, token: try await tokens.issue(userID: 42, market: "us", role: "user", sessionID: "s-1"))
    }
}

private struct StoredCode {
    let hasher: CodeHasher
    let stored: Data
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(2), maxIterations: 1_000_000)

    // A token seen for the first time: parse, signature, claims (later requests hit TokenService's memo).
    Benchmark("token verify, first sight (HS256 + claims)") { (benchmark: Benchmark, fixture: SignedToken) async in
        for _ in benchmark.scaledIterations {
            blackHole(try? await fixture.tokens.verifySignature(fixture.token, as: AccessClaims.self))
        }
    } setup: {
        try await SignedToken.make()
    }

    Benchmark("token verify, remembered (memo hit + time checks)") { (benchmark: Benchmark, fixture: SignedToken) async in
        for _ in benchmark.scaledIterations { blackHole(try? await fixture.tokens.verify(fixture.token)) }
    } setup: {
        let fixture = try await SignedToken.make()
        _ = try await fixture.tokens.verify(fixture.token)
        return fixture
    }

    Benchmark("claims decode (payload JSON to AccessClaims)") { (benchmark: Benchmark, payload: Data) in
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        for _ in benchmark.scaledIterations { blackHole(try? decoder.decode(AccessClaims.self, from: payload)) }
    } setup: {
        let fixture = try await SignedToken.make()
        return Data(base64URLEncoded: fixture.token.split(separator: ".")[1])!
    }

    Benchmark("phone normalization (+1 (312) 555-0100)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try? PhoneNumber(parsing: "+1 (312) 555-0100")) }
    }

    Benchmark("code hashing (HMAC-SHA256, constant-time match)") { (benchmark: Benchmark, fixture: StoredCode) in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.hasher.matches(fixture.stored, e164: "+13125550100", code: "123456"))
        }
    } setup: {
        let hasher = CodeHasher(pepper: Array(repeating: 9, count: 32))
        return StoredCode(hasher: hasher, stored: hasher.hash(phone: try PhoneNumber(parsing: "+13125550100"), code: "123456"))
    }

    Benchmark("profile encoding (UserProfile to JSON + ETag)") { (benchmark: Benchmark, user: User) in
        for _ in benchmark.scaledIterations { blackHole(try? ETag.encode(UserProfile(user))) }
    } setup: {
        User(
            id: 42, phoneNumber: "+13125550100", fullName: "Ada Lovelace", profileImageURL: nil, isActive: true, isVerified: true,
            lastLogin: now(), market: "us", language: "en", country: "United States", createdAt: now(), updatedAt: now(),
            tokensValidAfter: nil)
    }
}
