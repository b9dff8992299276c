import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The SMS-fraud limits, with the shipped defaults unless a test says otherwise, and a pinned clock.
@Suite struct AbuseLimitTests {
    static func harness(_ backend: Backend = .sqlite, _ adjust: @escaping (inout SendLimits) -> Void = { _ in }) async throws -> TestHarness {
        try await TestHarness.make(backend) { config in
            var limits = SendLimits()
            adjust(&limits)
            config.limits = limits
        }
    }

    private func send(_ client: some TestClientProtocol, _ phone: String, forwardedFor: String? = nil) async throws -> TestResponse {
        var headers = HTTPFields()
        if let forwardedFor { headers[.init("X-Forwarded-For")!] = forwardedFor }
        return try await client.request(.post, "/auth/send-code", json: ["phone": phone], headers: headers)
    }

    @Test func theShippedDefaultsAreTheDocumentedOnes() {
        let limits = SendLimits()
        #expect(limits.resendCooldown == .seconds(60))
        #expect((limits.verifyFailuresPerNetworkPerHour, limits.ipv6PrefixLength) == (30, 64))
        #expect((limits.perPhonePerHour, limits.perPhonePerDay, limits.perIPPerHour, limits.perPrefixPerHour) == (5, 10, 20, 50))
        #expect((limits.globalPerHour, limits.globalPerDay, limits.verifyFailuresPerPhonePerHour) == (1000, 10000, 10))
    }

    @Test(arguments: Backend.all) func aSecondCodeWithinSixtySecondsIsTooSoon(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { (client) async throws -> Void in
            #expect(try await send(client, "+13125550100").status == .accepted)
            harness.clock.advance(by: 20)
            let again = try await send(client, "+13125550100")
            #expect(again.status == .tooManyRequests)
            #expect(again.errorCode == "resend_too_soon")
            #expect(again.headers[.retryAfter] == "40")
            harness.clock.advance(by: 40)
            #expect(try await send(client, "+13125550100").status == .accepted)
        }
        #expect(harness.sms.sent.count == 2)
    }

    @Test(arguments: Backend.all) func fivePerHourAndTenPerDayPerPhone(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { (client) async throws -> Void in
            for _ in 1...5 {
                #expect(try await send(client, "+13125550100").status == .accepted)
                harness.clock.advance(by: 61)
            }
            let sixth = try await send(client, "+13125550100")
            #expect(sixth.status == .tooManyRequests)
            #expect(sixth.errorCode == "phone_rate_limited")
            #expect(sixth.headers[.retryAfter] == String(3600 - 5 * 61))
            harness.clock.advance(by: 3600)
            for _ in 1...5 {
                #expect(try await send(client, "+13125550100").status == .accepted)
                harness.clock.advance(by: 61)
            }
            harness.clock.advance(by: 3600)
            let eleventh = try await send(client, "+13125550100")
            #expect(eleventh.errorCode == "phone_rate_limited")  // the day's ten are spent
            #expect(try await send(client, "+13125550199").status == .accepted)  // another phone is unaffected
        }
    }

    /// Issue 10, finding 5: each address of one /64 counted as a network of its own.
    @Test(arguments: Backend.all) func anIPv6ClientIsCountedByItsSlash64(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.trustedProxies = ["127.0.0.1"] }
        try await harness.test(.live) { (client) async throws -> Void in
            for index in 0..<20 {
                let address = "2001:db8:aa:bb:\(String(index + 1, radix: 16))::\(index + 7)"
                #expect(try await send(client, "+1312555\(1000 + index)", forwardedFor: address).status == .accepted)
            }
            let rotated = try await send(client, "+13125552000", forwardedFor: "2001:db8:aa:bb:ffff:ffff:ffff:ffff")
            #expect(rotated.errorCode == "ip_rate_limited")
            #expect(try await send(client, "+13125552001", forwardedFor: "2001:db8:aa:bc::1").status == .accepted)
        }
        let networks = try await Set(harness.sql.strings("SELECT DISTINCT ip FROM sms_sends"))
        #expect(networks == ["2001:db8:aa:bb::/64", "2001:db8:aa:bc::/64"])
    }

    @Test(arguments: Backend.all) func twentyPerClientIPBehindATrustedProxy(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.trustedProxies = ["127.0.0.1"] }
        try await harness.test(.live) { (client) async throws -> Void in
            for index in 0..<20 {
                #expect(try await send(client, "+1312555\(1000 + index)", forwardedFor: "203.0.113.7").status == .accepted)
            }
            let refused = try await send(client, "+13125552000", forwardedFor: "203.0.113.7")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "ip_rate_limited")
            #expect(refused.headers[.retryAfter] == "3600")
            // The client's own hop is the last untrusted one; a forged left part changes nothing.
            #expect(try await send(client, "+13125552001", forwardedFor: "10.9.9.9, 203.0.113.7").errorCode == "ip_rate_limited")
            #expect(try await send(client, "+13125552002", forwardedFor: "198.51.100.4").status == .accepted)
        }
    }

    @Test(arguments: Backend.all) func forwardedForIsIgnoredFromAnUntrustedPeer(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.perIPPerHour = 2 }
        try await harness.test(.live) { (client) async throws -> Void in
            #expect(try await send(client, "+13125551000", forwardedFor: "203.0.113.1").status == .accepted)
            #expect(try await send(client, "+13125551001", forwardedFor: "203.0.113.2").status == .accepted)
            #expect(try await send(client, "+13125551002", forwardedFor: "203.0.113.3").errorCode == "ip_rate_limited")
        }
    }

    @Test(arguments: Backend.all) func aNumberRangeIsLimitedAcrossPhones(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.perPrefixPerHour = 3 }
        try await harness.test { (client) async throws -> Void in
            for phone in ["+13125550001", "+13125550002", "+13129990003"] {
                #expect(try await send(client, phone).status == .accepted)
            }
            let refused = try await send(client, "+13120000004")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.errorCode == "prefix_rate_limited")
            #expect(try await send(client, "+13135550001").status == .accepted)  // +1313 is another range
        }
    }

    @Test(arguments: Backend.all) func theGlobalBudgetRefusesEverySendWith503(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.globalPerHour = 3 }
        try await harness.test { (client) async throws -> Void in
            for phone in ["+13125550001", "+996555000002", "+13135550003"] {
                #expect(try await send(client, phone).status == .accepted)
            }
            let refused = try await send(client, "+996700000004")
            #expect(refused.status == .serviceUnavailable)
            #expect(refused.errorCode == "sms_budget_exhausted")
            // The budget counts to the minute (`BudgetRing`): the three sends leave it an hour after their minute ends.
            let sentAt = harness.clock.wallClock().timeIntervalSince1970
            let wait = Int(((sentAt / 60).rounded(.down) * 60 + 60 + 3_600 - sentAt).rounded(.up))
            #expect(refused.headers[.retryAfter] == "\(wait)")
            harness.clock.advance(by: TimeInterval(wait - 1))
            #expect(try await send(client, "+996700000004").errorCode == "sms_budget_exhausted")
            harness.clock.advance(by: 1)
            #expect(try await send(client, "+996700000004").status == .accepted)
        }
        #expect(harness.sms.sent.count == 4)
    }

    @Test(arguments: Backend.all) func aFailedSendStillCountsTowardTheLimits(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        harness.sms.failNext(1)
        try await harness.test { (client) async throws -> Void in
            #expect(try await send(client, "+13125550100").status == .serviceUnavailable)
            #expect(try await send(client, "+13125550100").errorCode == "resend_too_soon")
        }
    }

    @Test(arguments: Backend.all) func limitsSurviveARestart(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test { (client) async throws -> Void in
            #expect(try await send(client, "+13125550100").status == .accepted)
        }
        // A new server process on the same database file.
        try await harness.test { (client) async throws -> Void in
            #expect(try await send(client, "+13125550100").errorCode == "resend_too_soon")
        }
    }

    @Test(arguments: Backend.all) func tenWrongCodesPerHourAcrossCodesThenEvenTheRightOneWaits(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        let phone = "+996555123456"
        try await harness.test { (client) async throws -> Void in
            var sent = (id: "", code: "")
            for round in 0..<3 {
                sent = try await harness.sendCode(client, phone: phone)
                let wrong = sent.code == "000000" ? "111111" : "000000"
                for _ in 0..<(round < 2 ? 4 : 2) {
                    let response = try await client.request(
                        .post, "/auth/verify-code", json: ["verification_id": sent.id, "verification_code": wrong])
                    #expect(response.errorCode == "invalid_code")
                }
                harness.clock.advance(by: 61)
            }
            // Ten wrong codes in the last hour, over three codes: a new code does not reset the count.
            let right = try await client.request(.post, "/auth/verify-code", json: ["verification_id": sent.id, "verification_code": sent.code])
            #expect(right.status == .tooManyRequests)
            #expect(right.errorCode == "verify_rate_limited")
            #expect(Int(right.headers[.retryAfter] ?? "") ?? 0 > 3000)
        }
    }

    @Test(arguments: Backend.all) func deniedPrefixesAreNeverTexted(backend: Backend) async throws {
        let harness = try await Self.harness(backend) { $0.deniedPrefixes = ["+1900"] }
        try await harness.test { (client) async throws -> Void in
            let refused = try await send(client, "+1 900 555 0100")
            #expect(refused.status == .forbidden)
            #expect(refused.errorCode == "phone_not_allowed")
        }
        #expect(harness.sms.sent.isEmpty)
    }
}
