import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// What someone who knows only a phone number can do to its owner's sign-in (issue 10, finding 3), with the shipped
/// limits: 5 tries per verification and path, 10 wrong codes per phone per hour (half of them on the phone path),
/// and a pinned clock.
@Suite struct StrangerGuessTests {
    let owner = "+996555123456"

    static func harness(_ backend: Backend = .sqlite, _ adjust: @escaping (inout SendLimits) -> Void = { _ in }) async throws -> TestHarness {
        try await TestHarness.make(backend) { config in
            var limits = SendLimits()
            limits.resendCooldown = .zero  // the owner asks twice in some tests
            limits.trustedProxies = ["127.0.0.1"]
            adjust(&limits)
            config.limits = limits
        }
    }

    private func guessByPhone(_ client: some TestClientProtocol, _ phone: String, _ code: String = "000000", from network: String? = nil)
        async throws -> TestResponse
    {
        var headers = HTTPFields()
        if let network { headers[.xForwardedFor] = network }
        return try await client.request(.post, "/auth/verify-code", json: ["phone": phone, "verification_code": code], headers: headers)
    }

    private func verifyByID(_ client: some TestClientProtocol, _ id: String, _ code: String) async throws -> TestResponse {
        try await client.request(.post, "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
    }

    private func wrong(_ code: String) -> String { code == "000000" ? "111111" : "000000" }

    @Test(arguments: Backend.all) func aStrangerWithoutTheIDCannotBurnTheOwnersCode(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            let sent = try await harness.sendCode(client, phone: owner)
            for _ in 0..<5 { _ = try await guessByPhone(client, owner, wrong(sent.code)) }
            let signedIn = try await verifyByID(client, sent.id, sent.code)
            #expect(signedIn.status == .ok)
        }
    }

    @Test(arguments: Backend.all) func onThePhonePathWrongExpiredAndMissingCodesLookAlike(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            let none = try await guessByPhone(client, "+996555000111")
            let sent = try await harness.sendCode(client, phone: owner)
            let wrongCode = try await guessByPhone(client, owner, wrong(sent.code))
            harness.clock.advance(by: 301)
            let expired = try await guessByPhone(client, owner, sent.code)
            for response in [none, wrongCode, expired] {
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_code")
                #expect(response.errorDetail["attempts_remaining"] == nil)
                #expect(response.body == none.body)
            }
        }
    }

    @Test(arguments: Backend.all) func guessesAtAPhoneWithoutACodeStillCount(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            for _ in 0..<5 { #expect(try await guessByPhone(client, owner).errorCode == "invalid_code") }
            let sixth = try await guessByPhone(client, owner)
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.errorCode == "verify_rate_limited")
            #expect(sixth.headers[.retryAfter] == "3600")
        }
    }

    @Test(arguments: Backend.all) func aSpentPhonePathLeavesTheIDPathAllItsTries(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            let sent = try await harness.sendCode(client, phone: owner)
            for _ in 0..<5 { _ = try await guessByPhone(client, owner, wrong(sent.code)) }
            #expect(try await guessByPhone(client, owner, sent.code).errorCode == "verify_rate_limited")
            for remaining in [4, 3, 2, 1] {
                let miss = try await verifyByID(client, sent.id, wrong(sent.code))
                #expect(miss.errorDetail["attempts_remaining"] as? Int == remaining)
            }
            #expect(try await verifyByID(client, sent.id, sent.code).status == .ok)
        }
    }

    @Test(arguments: Backend.all) func tenWrongGuessesPerPhonePerHourAcrossBothPaths(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { client in
            for _ in 0..<5 { _ = try await guessByPhone(client, owner) }
            let first = try await harness.sendCode(client, phone: owner)
            for _ in 0..<4 { _ = try await verifyByID(client, first.id, wrong(first.code)) }
            let second = try await harness.sendCode(client, phone: owner)
            #expect(try await verifyByID(client, second.id, wrong(second.code)).errorDetail["attempts_remaining"] as? Int == 4)
            // Ten wrong in the hour: even the right code waits, on either path.
            let right = try await verifyByID(client, second.id, second.code)
            #expect(right.status == .tooManyRequests)
            #expect(right.errorCode == "verify_rate_limited")
            harness.clock.advance(by: 3601)
            #expect(try await verifyByID(client, second.id, second.code).status == .badRequest)  // expired meanwhile
            let third = try await harness.sendCode(client, phone: owner)
            #expect(try await verifyByID(client, third.id, third.code).status == .ok)
        }
    }

    @Test(arguments: Backend.all) func oneNetworkCannotHarvestGuessesOverManyPhones(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.verifyFailuresPerNetworkPerHour = 8 }
        try await harness.test(.live) { client in
            // Four phones, two wrong guesses each: the network's eight.
            for index in 0..<4 {
                #expect(try await guessByPhone(client, "+99655500011\(index)", from: "203.0.113.9").errorCode == "invalid_code")
                #expect(try await guessByPhone(client, "+99655500011\(index)", from: "203.0.113.9").errorCode == "invalid_code")
            }
            let ninth = try await guessByPhone(client, "+996555000119", from: "203.0.113.9")
            #expect(ninth.status == .tooManyRequests)
            #expect(ninth.errorCode == "network_rate_limited")
            #expect(ninth.headers[.retryAfter] == "3600")
            #expect(try await guessByPhone(client, "+996555000119", from: "198.51.100.4").errorCode == "invalid_code")
        }
    }

    @Test(arguments: Backend.all) func anIPv6NetworkIsCountedByItsSlash64(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.verifyFailuresPerNetworkPerHour = 4 }
        try await harness.test(.live) { client in
            for host in 1...4 {
                _ = try await guessByPhone(client, "+99655500012\(host)", from: "2001:db8:5:6::\(host)")
            }
            let rotated = try await guessByPhone(client, "+996555000129", from: "2001:db8:5:6:ffff:1:2:3")
            #expect(rotated.errorCode == "network_rate_limited")
            #expect(try await guessByPhone(client, "+996555000129", from: "2001:db8:5:7::1").errorCode == "invalid_code")
        }
    }
}
