import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Redeeming a code by the verification id send-code returned: the path ClientCore uses.
@Suite struct VerificationCodeTests {
    let phone = "+996555123456"

    private func verify(_ client: some TestClientProtocol, id: String, code: String) async throws -> TestResponse {
        try await client.request(.post, "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
    }

    /// A code that is certainly not the one sent.
    private func wrong(_ code: String) -> String {
        code == "000000" ? "111111" : "000000"
    }

    @Test(arguments: Backend.all) func aCodeWorksOnlyOnce(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (id, code) = try await harness.sendCode(client, phone: phone)
            #expect(try await verify(client, id: id, code: code).status == .ok)
            let again = try await verify(client, id: id, code: code)
            #expect(again.status == .badRequest)
            #expect(again.errorCode == "invalid_code")
            #expect(again.errorDetail["attempts_remaining"] == nil)
        }
    }

    @Test(arguments: Backend.all) func aCodeExpiresAfterItsLifetime(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (id, code) = try await harness.sendCode(client, phone: phone)
            harness.clock.advance(by: 300)
            let late = try await verify(client, id: id, code: code)
            #expect(late.status == .badRequest)
            #expect(late.errorCode == "invalid_code")
        }
    }

    @Test(arguments: Backend.all) func aCodeStillWorksJustBeforeItExpires(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (id, code) = try await harness.sendCode(client, phone: phone)
            harness.clock.advance(by: 299)
            #expect(try await verify(client, id: id, code: code).status == .ok)
        }
    }

    @Test(arguments: Backend.all) func wrongCodesCountDownThenTheFifthKillsTheCode(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (id, code) = try await harness.sendCode(client, phone: phone)
            for remaining in [4, 3, 2, 1] {
                let response = try await verify(client, id: id, code: wrong(code))
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_code")
                #expect(response.errorDetail["attempts_remaining"] as? Int == remaining)
            }
            let fifth = try await verify(client, id: id, code: wrong(code))
            #expect(fifth.status == .tooManyRequests)
            #expect(fifth.errorCode == "too_many_attempts")
            // Dead: even the right code is refused now.
            let right = try await verify(client, id: id, code: code)
            #expect(right.status == .tooManyRequests)
            #expect(right.errorCode == "too_many_attempts")
        }
    }

    /// Each send is a verification of its own: a second send (the owner's or a stranger's) does not kill the first.
    @Test(arguments: Backend.all) func aSecondSendLeavesTheFirstVerificationUsable(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let first = try await harness.sendCode(client, phone: phone)
            let second = try await harness.sendCode(client, phone: phone)
            #expect(first.id != second.id)
            #expect(try await verify(client, id: first.id, code: first.code).status == .ok)
            // Signing in burns every verification of the phone.
            #expect(try await verify(client, id: second.id, code: second.code).errorCode == "invalid_code")
        }
    }

    @Test(arguments: Backend.all) func aCodeIsBoundToItsVerification(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let mine = try await harness.sendCode(client, phone: phone)
            let other = try await harness.sendCode(client, phone: "+996555000111")
            let crossed = try await verify(client, id: other.id, code: mine.code)
            if mine.code != other.code {
                #expect(crossed.status == .badRequest)
                #expect(crossed.errorCode == "invalid_code")
            }
            #expect(try await verify(client, id: mine.id, code: mine.code).status == .ok)
        }
    }

    @Test(arguments: Backend.all) func anUnknownVerificationIDIsAWrongCode(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let response = try await verify(client, id: "v" + String(repeating: "A", count: 24), code: "123456")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_code")
            #expect(response.errorDetail["attempts_remaining"] == nil)
        }
    }

    @Test(arguments: [
        "", "short", String(repeating: "A", count: 25), "vAAAAAAAAAAAAAAAAAAAAAAA=", "vAAAAAAAAAAAAAAAAAAAAAAA/",
        "v" + String(repeating: "A", count: 25),
    ])
    func aMalformedVerificationIDIsABadRequest(id: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await verify(client, id: id, code: "123456")
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_request")
            #expect(response.errorDetail["field"] as? String == "verification_id")
        }
    }

    @Test(arguments: Backend.all) func theVerificationIDIsStoredOnlyAsItsHash(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (id, _) = try await harness.sendCode(client, phone: phone)
            let row = try #require(try await harness.sql.verifications().first)
            #expect(row.idHash == VerificationID.hash(id))
            #expect(!row.idHash.elementsEqual(Data(id.utf8)))
        }
    }

    @Test(arguments: ["12345", "1234567", "abcdef", "12 345", "", "١٢٣٤٥٦", "12345\u{301}6"])
    func malformedCodesAreRefusedWithoutSpendingATry(malformed: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (id, code) = try await harness.sendCode(client, phone: phone)
            let response = try await verify(client, id: id, code: malformed)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == "invalid_request")
            #expect(response.errorDetail["field"] as? String == "verification_code")
            let wrongTry = try await verify(client, id: id, code: wrong(code))
            #expect(wrongTry.errorDetail["attempts_remaining"] as? Int == 4)
        }
    }

    @Test(arguments: Backend.all) func twentyConcurrentVerificationsOfOneCodeYieldExactlyOneToken(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.ahc(.http)) { client in
            let (id, code) = try await harness.sendCode(client, phone: phone)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await verify(client, id: id, code: code).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 20)
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .badRequest }.count == 19)
        }
    }
}
