import Foundation

/// The proof-of-work side of a send: checks a solved challenge once (signed for this phone, unexpired, enough work,
/// never used before) and issues a new one when the admission asks for it.
package struct ChallengeGate: Sendable {
    package let proofOfWork: ProofOfWork
    package let challenges: any ChallengeRepository
    /// How long an issued challenge may be solved for.
    package let lifetime: Duration
    package let metrics: ServerMetrics
    package let activity: ActivityRecorder
    package let now: WallClock

    package init(
        proofOfWork: ProofOfWork,
        challenges: any ChallengeRepository,
        lifetime: Duration,
        metrics: ServerMetrics,
        activity: ActivityRecorder,
        now: @escaping WallClock
    ) {
        self.proofOfWork = proofOfWork
        self.challenges = challenges
        self.lifetime = lifetime
        self.metrics = metrics
        self.activity = activity
        self.now = now
    }

    /// A challenge a client solved, sent back with its send-code.
    package struct Answer: Sendable, Equatable {
        package var token: String
        package var solution: String

        package init(token: String, solution: String) {
            self.token = token
            self.solution = solution
        }
    }

    /// Why a challenge answer does not count (the send is then screened as without one).
    package struct Rejected: Error {
        package var message: String
    }

    /// The difficulty the answer carried when it is good and now used; otherwise why it is not.
    package func redeem(_ answer: Answer, phone: PhoneNumber) async throws -> Result<Int, Rejected> {
        let accepted: ProofOfWork.Accepted
        do {
            accepted = try proofOfWork.check(token: answer.token, solution: answer.solution, phone: phone)
        } catch {
            metrics.challenge(.rejected)
            return switch error {
            case .invalid: .failure(.init(message: "The challenge sent is not valid for this phone."))
            case .expired: .failure(.init(message: "The challenge sent has expired."))
            case .insufficientWork: .failure(.init(message: "The solution does not solve the challenge."))
            }
        }
        guard try await challenges.redeem(id: accepted.id, expiresAt: accepted.expiresAt, now: now()) else {
            metrics.challenge(.rejected)
            return .failure(.init(message: "The challenge sent was already used."))
        }
        metrics.challenge(.solved)
        return .success(accepted.difficulty)
    }

    /// The 428 that carries a fresh challenge of `difficulty`, with why an answer sent did not count.
    package func challenge(_ phone: PhoneNumber, difficulty: Int, market: Market, rejection: String?) -> AppError {
        let issued = proofOfWork.issue(for: phone, difficulty: difficulty, lifetime: lifetime)
        metrics.challenge(.issued)
        activity.record(.challenged, market: market.code)
        return AppError.challengeRequired(.init(token: issued.token, difficulty: issued.difficulty, expiresIn: Int(lifetime.seconds)), why: rejection)
    }
}
