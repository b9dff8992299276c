import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// send-code's proof-of-work challenge over HTTP: the 428 and its body, and every way a solution can be wrong.
/// Every unknown number is challenged here (no allowance), so each answer shows what the challenge alone allows.
@Suite struct ChallengeFlowTests {
    static func harness(_ backend: Backend) async throws -> TestHarness {
        try await FraudDefenceTests.harness(backend) { policy in
            policy.rangeBase = 0
            policy.perVerifiedSignIn = 0
        }
    }

    private func challenge(_ response: TestResponse) throws -> (token: String, difficulty: Int) {
        #expect(response.status.code == 428)
        #expect(response.errorCode == "challenge_required")
        #expect(response.errorDetail["expires_in"] as? Int == 300)
        return (try #require(response.errorDetail["challenge"] as? String), try #require(response.errorDetail["difficulty"] as? Int))
    }

    private func send(_ client: some TestClientProtocol, _ phone: String, _ answer: (String, String)? = nil) async throws -> TestResponse {
        try await FraudDefenceTests.send(client, phone, from: "198.51.100.7", answer: answer)
    }

    @Test(arguments: Backend.all)
    func aChallengeCannotBeForgedMovedToAnotherPhoneReplayedOrSolvedLate(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test(.live) { (client) async throws -> Void in
            let phone = "+13125550100"
            let first = try challenge(try await send(client, phone))
            #expect(first.difficulty == 8)
            let solution = ProofOfWork.solve(token: first.token, difficulty: first.difficulty)

            // Forged: any altered character, or a token of our own shape signed by someone else.
            var forged = first.token
            forged.removeLast()
            forged.append(first.token.last == "A" ? "B" : "A")
            let refusedForged = try await send(client, phone, (forged, solution))
            _ = try challenge(refusedForged)
            #expect((refusedForged.errorDetail["message"] as? String)?.hasPrefix("The challenge sent is not valid") == true)
            // For another phone.
            _ = try challenge(try await send(client, "+13125550101", (first.token, solution)))
            // Short of the work it asks for.
            var lazy = 0
            while ProofOfWork.leadingZeroBits(of: first.token, String(lazy)) >= first.difficulty { lazy += 1 }
            let refusedLazy = try await send(client, phone, (first.token, String(lazy)))
            #expect((refusedLazy.errorDetail["message"] as? String)?.hasPrefix("The solution does not solve") == true)
            #expect(harness.sms.sent.isEmpty)

            // Solved: one code.
            #expect(try await send(client, phone, (first.token, solution)).status == .accepted)
            #expect(harness.sms.sent.count == 1)
            // Replayed after the resend cooldown: used.
            harness.clock.advance(by: 61)
            let replayed = try await send(client, phone, (first.token, solution))
            _ = try challenge(replayed)
            #expect((replayed.errorDetail["message"] as? String)?.hasPrefix("The challenge sent was already used") == true)

            // Solved after it expired.
            let late = try challenge(try await send(client, phone))
            let lateSolution = ProofOfWork.solve(token: late.token, difficulty: late.difficulty)
            harness.clock.advance(by: 301)
            let expired = try await send(client, phone, (late.token, lateSolution))
            #expect((expired.errorDetail["message"] as? String)?.hasPrefix("The challenge sent has expired") == true)

            #expect(harness.sms.sent.count == 1)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 1)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM challenge_redemptions") == 1)
        }
    }

    @Test func aChallengeWithoutItsSolutionOrTheOtherWayRoundIsMalformed() async throws {
        let harness = try await Self.harness(.sqlite)
        try await harness.test(.live) { (client) async throws -> Void in
            for (body, field) in [(["challenge": "c1.x"], "solution"), (["solution": "42"], "challenge")] {
                let response = try await client.request(.post, "/auth/send-code", json: body.merging(["phone": "+13125550100"]) { $1 })
                #expect(response.status == .badRequest)
                #expect(response.errorCode == "invalid_request")
                #expect(response.errorDetail["field"] as? String == field)
            }
            // Longer than the document allows (64): malformed too, whether or not the challenge is real.
            let long = String(repeating: "9", count: 65)
            let tooLong = try await send(client, "+13125550100", ("c1." + long, long))
            #expect(tooLong.status == .badRequest)
            #expect(tooLong.errorDetail["field"] as? String == "solution")
            #expect(harness.sms.sent.isEmpty)
        }
    }

    /// Unsolved challenges are not free: one network is issued 30 an hour (more as its phones sign in), then 429
    /// until the older hour leaves the window; other networks are not affected, and each 428 is a counter, not a row.
    @Test(arguments: Backend.all)
    func oneNetworkIsIssuedThirtyUnsolvedChallengesAnHourThenRefused(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test(.live) { client in
            var statuses: [Int] = []
            for n in 0..<300 {
                statuses.append(Int(try await send(client, "+1312555\(String(format: "%04d", n))").status.code))
            }
            #expect(statuses.prefix(30).allSatisfy { $0 == 428 })
            #expect(statuses.dropFirst(30).allSatisfy { $0 == 429 })
            let refused = try await send(client, "+13125559999")
            #expect(refused.errorCode == "network_rate_limited")
            #expect(Int(refused.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Another network still gets its challenge, and solves it as ever.
            let other = try await FraudDefenceTests.send(client, "+13125559998", from: "203.0.113.20")
            #expect(other.status.code == 428)
            harness.clock.advance(by: 2 * 3_600)
            #expect(try await send(client, "+13125559997").status.code == 428)
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == 0)
        let counted = "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM challenge_counts WHERE scope = 'network:198.51.100.7'"
        #expect(try await harness.sql.int(counted) == 31)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM challenge_counts") <= 6)
    }

    /// Challenges and blocks are counted in `/metrics`.
    @Test func challengesAreCounted() async throws {
        let harness = try await Self.harness(.sqlite)
        let metrics = ServerMetrics(backend: "sqlite")
        var dependencies = harness.dependencies
        dependencies.metrics = metrics
        try await harness.app(dependencies).test(.live) { client in
            let issued = try challenge(try await send(client, "+13125550100"))
            _ = try await send(client, "+13125550100", (issued.token, "not it"))
            _ = try await send(client, "+13125550100", (issued.token, ProofOfWork.solve(token: issued.token, difficulty: issued.difficulty)))
        }
        let text = PrometheusText(String(decoding: metrics.exposition(cache: nil), as: UTF8.self))
        #expect(text.value("phoneauth_challenges_issued_total") == 2)
        #expect(text.value("phoneauth_challenges_rejected_total") == 1)
        #expect(text.value("phoneauth_challenges_solved_total") == 1)
        #expect(text.value("phoneauth_sms_estimated_spend_usd_total", ["market": "us"]) == 0.0083)
    }
}
