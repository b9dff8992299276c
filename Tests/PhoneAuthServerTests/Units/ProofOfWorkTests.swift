import Foundation
import Logging
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The proof-of-work challenge send-code will ask for under suspicion: solvable, bound to its phone, expiring,
/// unforgeable, and good for one redemption across every instance.
@Suite struct ProofOfWorkTests {
    private let clock = ManualClock()
    private let phone = try! PhoneNumber(parsing: "+13125550600")
    private var pow: ProofOfWork {
        ProofOfWork(pepper: Array("pepper-of-at-least-32-bytes-0123456789".utf8), random: SystemRandomSource(), now: clock.wallClock)
    }

    @Test func aSolvedChallengeIsAcceptedForItsPhone() throws {
        let issued = pow.issue(for: phone, difficulty: 12, lifetime: .seconds(120))
        let solution = ProofOfWork.solve(token: issued.token, difficulty: issued.difficulty)
        #expect(ProofOfWork.leadingZeroBits(of: issued.token, solution) >= 12)
        let accepted = try pow.check(token: issued.token, solution: solution, phone: phone)
        #expect(accepted.expiresAt == issued.expiresAt)
        #expect(!issued.token.contains("3125550600"), "the token does not carry the phone number")
    }

    @Test func theWorkMustBeDone() throws {
        let issued = pow.issue(for: phone, difficulty: 16, lifetime: .seconds(120))
        // A counter that falls short of 16 zero bits.
        let lazy = (0..<1_000).map(String.init).first { ProofOfWork.leadingZeroBits(of: issued.token, $0) < 16 }!
        #expect(throws: ProofOfWork.Rejection.insufficientWork) { try pow.check(token: issued.token, solution: lazy, phone: phone) }
        #expect(throws: ProofOfWork.Rejection.insufficientWork) { try pow.check(token: issued.token, solution: "", phone: phone) }
    }

    @Test func aChallengeIsForItsPhoneOnly() throws {
        let issued = pow.issue(for: phone, difficulty: 8, lifetime: .seconds(120))
        let solution = ProofOfWork.solve(token: issued.token, difficulty: 8)
        let other = try PhoneNumber(parsing: "+13125550601")
        #expect(throws: ProofOfWork.Rejection.invalid) { try pow.check(token: issued.token, solution: solution, phone: other) }
    }

    @Test func anExpiredChallengeIsRefused() throws {
        let issued = pow.issue(for: phone, difficulty: 8, lifetime: .seconds(120))
        let solution = ProofOfWork.solve(token: issued.token, difficulty: 8)
        clock.advance(by: 121)
        #expect(throws: ProofOfWork.Rejection.expired) { try pow.check(token: issued.token, solution: solution, phone: phone) }
    }

    /// Lowering the difficulty, extending the expiry, or signing with another server's key: all invalid.
    @Test func aForgedOrAlteredChallengeIsRefused() throws {
        let issued = pow.issue(for: phone, difficulty: 20, lifetime: .seconds(120))
        var parts = issued.token.split(separator: ".").map(String.init)
        parts[3] = "8"
        let easier = parts.joined(separator: ".")
        #expect(throws: ProofOfWork.Rejection.invalid) {
            try pow.check(token: easier, solution: ProofOfWork.solve(token: easier, difficulty: 8), phone: phone)
        }
        parts = issued.token.split(separator: ".").map(String.init)
        parts[4] = String(Int(parts[4])! + 86_400)
        let longer = parts.joined(separator: ".")
        #expect(throws: ProofOfWork.Rejection.invalid) { try pow.check(token: longer, solution: "1", phone: phone) }
        let elsewhere = ProofOfWork(pepper: Array("another-pepper-of-at-least-32-bytes-xyz".utf8), random: SystemRandomSource(), now: clock.wallClock)
        let foreign = elsewhere.issue(for: phone, difficulty: 8, lifetime: .seconds(120))
        #expect(throws: ProofOfWork.Rejection.invalid) {
            try pow.check(token: foreign.token, solution: ProofOfWork.solve(token: foreign.token, difficulty: 8), phone: phone)
        }
        for garbage in ["", "c1", "c1.a.b.c.d.e", "c2" + issued.token.dropFirst(2), String(repeating: "x", count: 10_000)] {
            #expect(throws: ProofOfWork.Rejection.invalid) { try pow.check(token: garbage, solution: "1", phone: phone) }
        }
    }

    @Test func difficultyIsKeptInItsRange() {
        #expect(pow.issue(for: phone, difficulty: 1, lifetime: .seconds(60)).difficulty == 8)
        #expect(pow.issue(for: phone, difficulty: 99, lifetime: .seconds(60)).difficulty == 24)
    }

    /// Single use, on the database every instance shares; housekeeping forgets a redemption once its challenge expired.
    @Test(arguments: Backend.all)
    func aChallengeIsRedeemedOnceAndForgottenAfterItExpires(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await Storage.with(harness.config.database, logger: Logger(label: "test")) { storage in
            let issued = pow.issue(for: phone, difficulty: 8, lifetime: .seconds(120))
            let accepted = try pow.check(token: issued.token, solution: ProofOfWork.solve(token: issued.token, difficulty: 8), phone: phone)
            let now = clock.wallClock()
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<8 { group.addTask { try await storage.challenges.redeem(id: accepted.id, expiresAt: accepted.expiresAt, now: now) } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1, "exactly one of concurrent redemptions wins")
            #expect(try await storage.challenges.redeem(id: accepted.id, expiresAt: accepted.expiresAt, now: now) == false)
            let purged = try await storage.housekeeping.purge(now: accepted.expiresAt.addingTimeInterval(1), endedSessions: 86_400)
            #expect(purged.challenges == 1)
        }
    }
}
