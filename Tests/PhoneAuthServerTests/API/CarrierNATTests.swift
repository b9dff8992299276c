import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Mobile carriers put thousands of subscribers behind one IPv4 address. The per-network limit is conversion-aware
/// (issue 24, item 8): an address whose codes get entered earns room as its people sign in; a pumping bot's address,
/// whose codes are never entered, keeps the base 20 an hour.
@Suite struct CarrierNATTests {
    private static let forwarded = HTTPField.Name("X-Forwarded-For")!

    @Test(arguments: Backend.all)
    func twoHundredPeopleBehindOneAddressAreAllServedWhileABotOnItsOwnIsHeld(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { config in
            config.limits = SendLimits()  // shipped: 20 an hour per address before it earns more
            config.limits.trustedProxies = ["127.0.0.1"]
        }
        try await harness.test(.live) { client in
            func send(_ phone: String, from address: String) async throws -> TestResponse {
                try await client.request(.post, "/auth/send-code", json: ["phone": phone], headers: [Self.forwarded: address])
            }
            var signedIn = 0
            var botAnswers: [(status: Int, code: String?)] = []
            for person in 0..<200 {  // 18 s apart: one hour
                let phone = "+1\(300 + person % 10)555\(String(format: "%04d", person))"
                let sent = try await send(phone, from: "100.64.0.1")
                #expect(sent.status == .accepted, "person \(person): \(sent.errorCode ?? "")")
                if let id = sent.json["verification_id"] as? String, let code = harness.sms.lastCode(to: phone) {
                    let verified = try await client.request(
                        .post, "/auth/verify-code", json: ["verification_id": id, "verification_code": code],
                        headers: [Self.forwarded: "100.64.0.1"])
                    if verified.status == .ok { signedIn += 1 }
                }
                if person.isMultiple(of: 5) {
                    let answer = try await send("+1400555\(String(format: "%04d", person))", from: "203.0.113.66")
                    botAnswers.append((answer.status.code, answer.errorCode))
                }
                harness.clock.advance(by: 18)
            }
            #expect(signedIn == 200)
            #expect(botAnswers.prefix(20).allSatisfy { $0.status == 202 })
            #expect(botAnswers.dropFirst(20).allSatisfy { $0.status == 429 && $0.code == "ip_rate_limited" })
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE ip = '100.64.0.1'") == 200)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE ip = '203.0.113.66'") == 20)
    }

    @Test func theEarnedLimitGrowsWithVerifiedPhonesUpToItsCeiling() {
        let earned = EarnedAllowance(perVerifiedPhone: 2, ceiling: 2_000)
        #expect(earned.limit(base: 20, verifiedPhones: 0) == 20)
        #expect(earned.limit(base: 20, verifiedPhones: 10) == 40)
        #expect(earned.limit(base: 20, verifiedPhones: 5_000) == 2_000)
        #expect(earned.limit(base: 20, verifiedPhones: .max) == 2_000)
        #expect(EarnedAllowance(perVerifiedPhone: 0, ceiling: 2_000).limit(base: 20, verifiedPhones: 99) == 20)
    }
}
