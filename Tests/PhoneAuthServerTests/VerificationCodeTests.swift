import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthServer

@Suite struct VerificationCodeTests {
    let phone = "+996555123456"

    private func verify(_ client: some TestClientProtocol, code: String) async throws -> TestResponse {
        try await client.request(.post, "/auth/verify-code", json: ["phone": phone, "verification_code": code])
    }

    /// A code that is certainly not the one sent.
    private func wrong(_ code: String) -> String {
        code == "000000" ? "111111" : "000000"
    }

    @Test func aCodeWorksOnlyOnce() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let code = try #require(harness.sms.lastCode(to: phone))
            #expect(try await verify(client, code: code).status == .ok)
            let again = try await verify(client, code: code)
            #expect(again.status == .badRequest)
            #expect(again.errorCode == "invalid_code")
            #expect(again.errorDetail["attempts_remaining"] == nil)
        }
    }

    @Test func aCodeExpiresAfterItsLifetime() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let code = try #require(harness.sms.lastCode(to: phone))
            harness.clock.advance(by: 300)
            let late = try await verify(client, code: code)
            #expect(late.status == .badRequest)
            #expect(late.errorCode == "invalid_code")
        }
    }

    @Test func aCodeStillWorksJustBeforeItExpires() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let code = try #require(harness.sms.lastCode(to: phone))
            harness.clock.advance(by: 299)
            #expect(try await verify(client, code: code).status == .ok)
        }
    }

    @Test func wrongCodesCountDownThenTheFifthKillsTheCode() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let code = try #require(harness.sms.lastCode(to: phone))
            for remaining in [4, 3, 2, 1] {
                let response = try await verify(client, code: wrong(code))
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_code")
                #expect(response.errorDetail["attempts_remaining"] as? Int == remaining)
            }
            let fifth = try await verify(client, code: wrong(code))
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.errorCode == "too_many_attempts")
            // Dead: even the right code is refused now.
            let right = try await verify(client, code: code)
            #expect(right.status == .tooManyRequests)
            #expect(right.errorCode == "too_many_attempts")
        }
    }

    @Test func aNewCodeReplacesTheOldOne() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let first = try #require(harness.sms.lastCode(to: phone))
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let second = try #require(harness.sms.lastCode(to: phone))
            if first != second {
                #expect(try await verify(client, code: first).status == .badRequest)
            }
            #expect(try await verify(client, code: second).status == .ok)
        }
    }

    @Test func aCodeIsBoundToItsPhone() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let code = try #require(harness.sms.lastCode(to: phone))
            let other = try await client.request(.post, "/auth/verify-code", json: ["phone": "+996555000111", "verification_code": code])
            #expect(other.status == .badRequest)
            #expect(other.errorCode == "invalid_code")
        }
    }

    @Test(arguments: ["12345", "1234567", "abcdef", "12 345", ""])
    func malformedCodesAreRefusedWithoutSpendingATry(code: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let response = try await verify(client, code: code)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_request")
            #expect(response.errorDetail["field"] as? String == "verification_code")
            let real = try #require(harness.sms.lastCode(to: phone))
            let wrongTry = try await verify(client, code: wrong(real))
            #expect(wrongTry.errorDetail["attempts_remaining"] as? Int == 4)
        }
    }

    @Test func twentyConcurrentVerificationsOfOneCodeYieldExactlyOneToken() async throws {
        let harness = try TestHarness()
        try await harness.test(.ahc(.http)) { client in
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": phone])
            let code = try #require(harness.sms.lastCode(to: phone))
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await verify(client, code: code).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 20)
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .badRequest }.count == 19)
        }
    }
}
