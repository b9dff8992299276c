import Benchmark
import Foundation
import JWTKit

// The pieces of the request path, in process: what one authenticated request costs before any I/O. Run with
// `cd Benchmarks && swift package benchmark` (or `make bench`). Sources are the server's own (`Server/`).

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], maxDuration: .seconds(2), maxIterations: 1_000_000)

    let now: WallClock = { Date(timeIntervalSince1970: 1_800_000_000) }
    let key = JWTKeyEntry(kid: "k1", secret: Array(repeating: 7, count: 32))

    Benchmark("token verify (HS256, claims checked)") { benchmark, fixture in
        for _ in benchmark.scaledIterations { blackHole(try await fixture.tokens.verify(fixture.token)) }
    } setup: {
        let tokens = await TokenService(
            keys: [key], issuer: "phoneauth", audience: "phoneauth-api", lifetime: .seconds(1800), leeway: .seconds(5), now: now)
        let token = try await tokens.issue(userID: 42, market: "us", role: "user", sessionID: "s-1")
        return (tokens: tokens, token: token)
    }

    Benchmark("claims decode (payload JSON to AccessClaims)") { benchmark, payload in
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        for _ in benchmark.scaledIterations { blackHole(try decoder.decode(AccessClaims.self, from: payload)) }
    } setup: {
        let tokens = await TokenService(
            keys: [key], issuer: "phoneauth", audience: "phoneauth-api", lifetime: .seconds(1800), leeway: .seconds(5), now: now)
        let token = try await tokens.issue(userID: 42, market: "us", role: "user", sessionID: "s-1")
        return Data(base64URLEncoded: token.split(separator: ".")[1])!
    }

    Benchmark("phone normalization (+1 312 555 0100)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try PhoneNumber(parsing: "+1 (312) 555-0100")) }
    }

    Benchmark("code hashing (HMAC-SHA256, constant-time match)") { benchmark, fixture in
        for _ in benchmark.scaledIterations {
            blackHole(fixture.hasher.matches(fixture.stored, e164: "+13125550100", code: "123456"))
        }
    } setup: {
        let hasher = CodeHasher(pepper: Array(repeating: 9, count: 32))
        return (hasher: hasher, stored: hasher.hash(phone: try PhoneNumber(parsing: "+13125550100"), code: "123456"))
    }

    Benchmark("profile encoding (UserResponse to JSON)") { benchmark, user in
        for _ in benchmark.scaledIterations { blackHole(try JSONCoding.encoder.encode(UserResponse(user))) }
    } setup: {
        User(
            id: 42, phoneNumber: "+13125550100", fullName: "Ada Lovelace", profileImageURL: nil, isActive: true, isVerified: true,
            lastLogin: now(), market: "us", language: "en", country: "United States", createdAt: now(), updatedAt: now())
    }
}
